import Foundation
@testable import Flow
import Testing

@Suite struct ExampleFlowTests {
    @Test func everyExampleFlowLoadsWithoutDiagnostics() throws {
        let (flows, diagnostics) = FlowLoader.loadDirectory(Paths.flows, promptsDirectory: Paths.prompts)
        #expect(diagnostics.map(\.description) == [])
        #expect(flows.map(\.name).sorted() == ["appointment", "main", "reception", "reminder", "voicemail"])
        #expect(flows.first { $0.name == "main" }?.numbers == [])
    }

    @Test func everyExampleStartsWithTheSchemaComment() throws {
        for name in ["main", "appointment", "voicemail", "reminder"] {
            let text = try String(contentsOfFile: "\(Paths.flows)/\(name).yaml", encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=./schema.json\n"))
        }
    }
}
