import Foundation
@testable import Flow
import Testing

/// `languages:`: the `language` variable picks the prompt language, and the validator wants every prompt
/// in every declared language (its own folder or the shared file), naming file and line.
@Suite struct PromptLanguageValidationTests {
    static let yaml = """
        name: two
        languages: [en-us, es]
        start: a
        steps:
          a:
            play: [shared, only_en]
            next: b
          b:
            set:
              language: es
            next: c
          c:
            play: [no_es]
            next: d
          d:
            set:
              language: fr
            next: e
          e: { hangup: done }
        """

    /// A prompt folder with `shared` and `no_es` at the top, `only_en` in en-us/ only, and an es/ folder.
    static func prompts() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("langs-\(UUID().uuidString)").path
        for sub in ["en-us", "es"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        for file in ["shared.wav", "no_es.wav", "en-us/only_en.wav", "es/shared.wav"] {
            FileManager.default.createFile(atPath: "\(dir)/\(file)", contents: Data())
        }
        return dir
    }

    @Test func everyDeclaredLanguageNeedsEachPrompt() throws {
        let dir = try Self.prompts()
        let (flow, diagnostics) = FlowLoader.load(bytes: Array(Self.yaml.utf8), path: "two.yaml", promptsDirectory: dir)
        #expect(flow == nil)
        #expect(diagnostics.map(\.description).map { $0.replacingOccurrences(of: dir, with: "P") } == [
            "two.yaml:6: step 'a': prompt 'only_en' not found for language 'es': expected P/es/only_en.wav or P/only_en.wav (or .flac, .ogg, .mp3)",
            "two.yaml:13: step 'c': warning: prompt 'no_es' has no 'es' version: expected P/es/no_es.wav (or .flac, .ogg, .mp3); callers in 'es' hear P/no_es.*",
            "two.yaml:17: step 'd': sets language to 'fr', which is not in 'languages'; expected one of: en-us, es",
        ])
    }

    @Test func theLanguageVariablePicksThePromptLanguage() throws {
        // The last assignment computes its value, so only the engine can see it is not declared.
        let flow = try mustLoad(Self.yaml.replacingOccurrences(of: "language: fr", with: "language: \"{{vars.pick}}\"")
            .replacingOccurrences(of: "start: a", with: "start: a\nvars: { pick: fr }"))
        #expect(flow.languages == ["en-us", "es"])
        var d = Driver(flow)
        d.send(.started, at: 0)
        #expect(d.engine.promptLanguage == "en-us")
        d.send(.promptFinished, at: 2)
        #expect(d.engine.promptLanguage == "es")
        #expect(d.actions.contains(.play(prompts: ["no_es"], bargeIn: false)))
        // A language that is not declared leaves the default.
        d.send(.promptFinished, at: 4)
        #expect(d.engine.variables["language"] == .string("fr"))
        #expect(d.engine.promptLanguage == "en-us")
    }

    @Test func aBadLanguageTagIsAnError() {
        let (_, diagnostics) = loadText("name: x\nlanguages: [en-us, es, \"../etc\", es]\nstart: a\nsteps:\n  a: { hangup: done }\n")
        #expect(diagnostics.map(\.description) == [
            "test.yaml:2: language '../etc' must be a tag of letters and digits joined by '-' (en-us, es); it names the folder Prompts/<tag>/",
            "test.yaml:2: language 'es' is listed twice",
        ])
    }

    @Test func withoutLanguagesThereIsNoPromptLanguage() throws {
        let flow = try mustLoad("name: x\nstart: a\nsteps:\n  a: { hangup: done }\n")
        #expect(flow.promptLanguage(["language": .string("es")]) == nil)
    }
}
