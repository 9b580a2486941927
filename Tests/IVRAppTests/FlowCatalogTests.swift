import Flow
import Foundation
import IVRApp
import IVRTesting
import Testing

@Suite struct FlowCatalogTests {
    static func flow(_ name: String, numbers: [String], prompt: String = "welcome") -> String {
        """
        name: \(name)
        numbers: [\(numbers.map { "'\($0)'" }.joined(separator: ", "))]
        start: hello
        steps:
          hello:
            play: [\(prompt)]
            next: bye
          bye:
            hangup: completed
        """
    }

    func directory(_ files: [String: String]) throws -> (flows: String, prompts: String) {
        let root = try Fixtures.temporaryDirectory("catalog")
        let flows = root.appendingPathComponent("Flows"), prompts = root.appendingPathComponent("Prompts")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        for p in ["welcome", "other"] {
            try Data().write(to: prompts.appendingPathComponent("\(p).wav"))
        }
        for (name, text) in files { try text.write(to: flows.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return (flows.path, prompts.path)
    }

    @Test func theRepositoryFlowsLoadAndMainIsTheDefault() throws {
        let root = Fixtures.repositoryRoot()
        let catalog = FlowCatalog(directory: root.appendingPathComponent("Flows").path,
                                  promptsDirectory: root.appendingPathComponent("Prompts").path, defaultFlow: nil)
        let diagnostics = catalog.reload()
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
        #expect(catalog.flowNames.contains("main"))
        #expect(catalog.route(phoneNumberID: "anything")?.name == "main")
        #expect(catalog.route(phoneNumberID: "anything")?.isDefault == true)
    }

    @Test func numbersRouteToTheirFlowAndOthersToTheDefault() throws {
        let dir = try directory(["sales.yaml": Self.flow("sales", numbers: ["111", "222"]),
                                 "main.yaml": Self.flow("main", numbers: [])])
        let catalog = FlowCatalog(directory: dir.flows, promptsDirectory: dir.prompts, defaultFlow: nil)
        #expect(catalog.reload().isEmpty)
        #expect(catalog.route(phoneNumberID: "222")?.name == "sales")
        #expect(catalog.route(phoneNumberID: "222")?.isDefault == false)
        #expect(catalog.route(phoneNumberID: "999")?.name == "main")
        let noDefault = FlowCatalog(directory: dir.flows, promptsDirectory: dir.prompts, defaultFlow: "nope")
        let d = noDefault.reload()
        #expect(d.last?.message == "default flow 'nope' not found; flows here: main, sales")
        #expect(noDefault.route(phoneNumberID: "999") == nil)
    }

    @Test func aValidChangeServesNewCallsWhileAnInvalidOneKeepsTheOldVersion() throws {
        let dir = try directory(["main.yaml": Self.flow("main", numbers: [])])
        let catalog = FlowCatalog(directory: dir.flows, promptsDirectory: dir.prompts, defaultFlow: nil)
        catalog.reload()
        let inProgress = try #require(catalog.route(phoneNumberID: "1")).flow
        let file = (dir.flows as NSString).appendingPathComponent("main.yaml")

        try Self.flow("main", numbers: [], prompt: "other").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(catalog.reload().isEmpty)
        let changed = try #require(catalog.route(phoneNumberID: "1")).flow
        #expect(changed.versionHash != inProgress.versionHash)
        #expect(inProgress.versionHash == inProgress.versionHash)  // the running call's copy is untouched

        try Self.flow("main", numbers: [], prompt: "missing_prompt").write(toFile: file, atomically: true, encoding: .utf8)
        let diagnostics = catalog.reload()
        let error = try #require(diagnostics.first { $0.severity == .error })
        #expect(error.file == file)
        #expect(error.line == 6)
        #expect(error.description.contains("missing_prompt"))
        #expect(diagnostics.contains { $0.message == "keeping the previous version of flow 'main' until the file is fixed" })
        #expect(catalog.route(phoneNumberID: "1")?.flow.versionHash == changed.versionHash)
    }

    @Test func twoFlowsClaimingANumberIsReportedWithFileAndLine() throws {
        let dir = try directory(["a.yaml": Self.flow("a", numbers: ["111"]),
                                 "b.yaml": Self.flow("b", numbers: ["333", "111"])])
        let catalog = FlowCatalog(directory: dir.flows, promptsDirectory: dir.prompts, defaultFlow: nil)
        let error = try #require(catalog.reload().first { $0.severity == .error })
        #expect(error.file.hasSuffix("b.yaml"))
        #expect(error.line == 2)
        #expect(error.message.contains("'111' is already claimed by flow 'a'"))
        #expect(catalog.route(phoneNumberID: "111")?.name == "a")
    }
}
