import Foundation
@testable import Flow
import Testing

@Suite struct ExampleFlowTests {
    @Test func everyExampleFlowLoadsWithoutDiagnostics() throws {
        let (flows, diagnostics) = FlowLoader.loadDirectory(Paths.flows, promptsDirectory: Paths.prompts)
        #expect(diagnostics.map(\.description) == [])
        #expect(flows.map(\.name).sorted() == ["appointment", "callback", "main", "reception", "reminder", "support-callback", "voicemail"])
        #expect(flows.first { $0.name == "main" }?.numbers == [])
    }

    @Test func everyExampleStartsWithTheSchemaComment() throws {
        for name in ["main", "appointment", "voicemail", "reminder", "callback", "support-callback"] {
            let text = try String(contentsOfFile: "\(Paths.flows)/\(name).yaml", encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=./schema.json\n"))
        }
    }
}
