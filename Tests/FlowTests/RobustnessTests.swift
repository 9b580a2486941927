import Foundation
@testable import Flow
import Testing

/// Damaged flow files give diagnostics with a line inside the file, never a crash.
@Suite struct RobustnessTests {
    static let examples = ["main", "appointment", "voicemail"]

    @Test(arguments: examples)
    func everyLineRemovedOrTruncatedGivesDiagnosticsNotACrash(_ name: String) throws {
        let text = try String(contentsOfFile: "\(Paths.flows)/\(name).yaml", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var variants: [String] = []
        for i in lines.indices {
            var copy = lines
            copy.remove(at: i)
            variants.append(copy.joined(separator: "\n"))
        }
        let bytes = Array(text.utf8)
        for cut in stride(from: 1, to: bytes.count, by: 13) { variants.append(String(decoding: bytes[..<cut], as: UTF8.self)) }
        for v in variants {
            let (flow, diagnostics) = FlowLoader.load(bytes: Array(v.utf8), path: "x.yaml", promptsDirectory: Paths.prompts)
            if flow == nil { #expect(diagnostics.hasErrors) }
            for d in diagnostics { #expect(d.line >= 1 && d.line <= lines.count + 1, "\(d)") }
        }
    }

    /// Found by the flow fuzzer: Yams reads a YAML 1.1 sexagesimal integer (`1:30`) by multiplying without an
    /// overflow check, so a long one in a field read as a number or a strict string trapped (the daemon's flow
    /// reload included). It is text now, and the number it is not gets the usual diagnostic.
    @Test func aLongSexagesimalScalarIsNotANumberAndNotACrash() {
        let long = "35224292222202222222222222222222222:2"
        let text = """
            name: t
            numbers: [\(long)]
            start: a
            steps:
              a:
                menu:
                  prompt: main_menu
                  options: { "1": { goto: b } }
                  timeout: \(long)
              b:
                hangup: completed
            """
        let result = FlowLoader.load(bytes: Array(text.utf8), path: "t.yaml", promptsDirectory: nil)
        #expect(result.diagnostics.contains { $0.line == 9 }, "\(result.diagnostics)")
        #expect(result.diagnostics.allSatisfy { $0.line == 2 || $0.line == 9 }, "\(result.diagnostics)")
    }

    @Test func notUTF8AndEmptyAndNotAMapping() {
        #expect(FlowLoader.load(bytes: [0xff, 0xfe, 0x00], path: "b.yaml", promptsDirectory: nil).diagnostics.map(\.description)
            == ["b.yaml:1: the file is not UTF-8 text"])
        #expect(loadText("").diagnostics.map(\.description)
            == ["test.yaml:1: the file is empty; expected a mapping with 'name', 'numbers', 'start' and 'steps'"])
        #expect(loadText("- a\n- b\n").diagnostics.map(\.description)
            == ["test.yaml:1: the flow file must be a mapping with keys name, numbers, start, steps, followup, redact, language, description, vars, on_drain, http_allow, languages, got a list"])
        #expect(FlowLoader.load(path: "/nonexistent/flow.yaml", promptsDirectory: "/tmp").diagnostics.map(\.description)
            == ["/nonexistent/flow.yaml:1: cannot read the file"])
    }

    /// The parser counts a lone CR (and CR LF, NEL, LS, PS) as a line break; a duplicate key's second place is
    /// looked up in lines counted the same way (the fuzzer found a crash when only LF was counted).
    @Test func duplicateKeyInAFileWithCarriageReturnLineBreaks() {
        let lf = "name: x\nnumbers: [\"1\"]\nstart: a\nstart: b\nsteps:\n  a:\n    hangup: true\n"
        for br in ["\r", "\r\n", "\n"] {
            let text = lf.replacingOccurrences(of: "\n", with: br)
            let ds = FlowLoader.load(bytes: Array(text.utf8), path: "cr.yaml", promptsDirectory: nil).diagnostics
            #expect(ds.map(\.description).contains("cr.yaml:4:1: duplicate key 'start' (first at line 3); expected each key once in a mapping"), "\(br.debugDescription): \(ds)")
        }
        // Found by the fuzzer: CRs before the duplicate; the parser's mark lies past the last LF-counted line.
        let crash = "# \r\r\r\r\r\r\r\r\r \r\r\r\r\r\r\r\r\r\r\r\rure: bye\n        \r\r\rure: bye\n              hema=../.\n  pin:he"
        let ds = FlowLoader.load(bytes: Array(crash.utf8), path: "f.yaml", promptsDirectory: nil).diagnostics
        #expect(ds.hasErrors)
        #expect(ds.allSatisfy { $0.line >= 1 && $0.line <= 30 }, "\(ds)")
    }

    @Test func anchorsAndAliasesAreFollowed() throws {
        let flow = try mustLoad("""
        name: a
        start: m
        steps:
          m:
            menu:
              prompt: choose
              options: &opts
                "1": { goto: e }
          n:
            menu:
              prompt: choose
              options: *opts
          e:
            hangup: done
        """)
        #expect(flow.stepNames == ["m", "n", "e"])
    }

    @Test func missingRequiredPartsAreNamed() {
        #expect(loadText("name: x\n").diagnostics.map(\.description) == [
            "test.yaml:1: the flow file is missing 'start'",
            "test.yaml:1: the flow file is missing 'steps'",
        ])
        #expect(loadText("name: x\nstart: a\nsteps:\n  a:\n    gather: { prompt: p }\n    next: a\n").diagnostics.map(\.description) == [
            "test.yaml:5: step 'a': gather is missing 'into'",
        ])
    }
}
