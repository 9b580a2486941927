import Foundation
import IVRApp
import IVRTesting
import Testing

@Suite struct FlowRoutesTests {
    func write(_ files: [String: String]) throws -> String {
        let dir = try Fixtures.temporaryDirectory("flows")
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    @Test func theRepositoryFlowsLoad() throws {
        let dir = Fixtures.repositoryRoot().appendingPathComponent("Flows").path
        let routes = try FlowRoutes.load(directory: dir, defaultFlow: nil)
        #expect(routes.flows["main"] != nil)
        #expect(routes.route(phoneNumberID: "anything")?.flow == "main")
    }

    @Test func numbersRouteToTheirFlowAndOthersToTheDefault() throws {
        let dir = try write([
            "sales.yaml": "name: sales\nnumbers: ['111', '222']\n",
            "main.yaml": "name: main\nnumbers: []\n",
        ])
        let routes = try FlowRoutes.load(directory: dir, defaultFlow: "main")
        #expect(routes.route(phoneNumberID: "222")?.flow == "sales")
        #expect(routes.route(phoneNumberID: "222")?.isDefault == false)
        #expect(routes.route(phoneNumberID: "999")?.flow == "main")
        #expect(routes.route(phoneNumberID: "999")?.isDefault == true)
        let noDefault = try FlowRoutes.load(directory: dir, defaultFlow: nil)
        #expect(noDefault.route(phoneNumberID: "999") == nil)
    }

    @Test func twoFlowsClaimingANumberIsAnErrorNamingFileAndLine() throws {
        let dir = try write([
            "a.yaml": "name: a\nnumbers: ['111']\n",
            "b.yaml": "name: b\nnumbers:\n  - '333'\n  - '111'\n",
        ])
        let error = #expect(throws: ConfigError.self) { try FlowRoutes.load(directory: dir, defaultFlow: nil) }
        #expect(error?.source.hasSuffix("b.yaml") == true)
        #expect(error?.line == 4)
        #expect(error?.message.contains("number 111 is already answered by flow 'a'") == true)
    }

    @Test func unknownDefaultFlowIsAnError() throws {
        let dir = try write(["a.yaml": "name: a\n"])
        let error = #expect(throws: ConfigError.self) { try FlowRoutes.load(directory: dir, defaultFlow: "zzz") }
        #expect(error?.message == "default flow 'zzz' not found; flows here: a")
    }
}
