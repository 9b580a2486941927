import Foundation
@testable import Flow
import Testing

/// One fixture per kind of mistake in Fixtures/invalid/. Each file lists the exact diagnostics it must
/// produce in `# expect: ` comment lines (file name, line, step and message), in order.
@Suite struct ValidatorFixtureTests {
    static let invalidDir = Paths.fixtures + "/invalid"

    static var invalidFixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: invalidDir)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func expectedLines(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("# expect: ") ? String(line.dropFirst("# expect: ".count)) : nil
        }
    }

    @Test(arguments: invalidFixtures)
    func fixtureProducesItsExactDiagnostics(_ name: String) throws {
        let path = "\(Self.invalidDir)/\(name)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (flow, diagnostics) = FlowLoader.load(path: path, promptsDirectory: Paths.fixturePrompts)
        let actual = diagnostics.map {
            $0.description.replacingOccurrences(of: Self.invalidDir + "/", with: "").replacingOccurrences(of: Paths.fixtures + "/", with: "")
        }
        if ProcessInfo.processInfo.environment["PRINT_DIAGNOSTICS"] == "1" { print(actual.map { "# expect: \($0)" }.joined(separator: "\n")) }
        #expect(actual == Self.expectedLines(text))
        if diagnostics.hasErrors { #expect(flow == nil) } else { #expect(flow != nil) }
    }

    @Test func everyValidFixtureLoadsWithoutErrors() throws {
        let dir = Paths.fixtures + "/valid"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let (flow, diagnostics) = FlowLoader.load(path: "\(dir)/\(name)", promptsDirectory: Paths.fixturePrompts)
            #expect(diagnostics.map(\.description) == [], "\(name)")
            #expect(flow != nil, "\(name)")
        }
    }

    @Test func twoFlowsClaimingOneNumberAndOneNameAreErrors() {
        let dir = Paths.fixtures + "/clash"
        let (flows, diagnostics) = FlowLoader.loadDirectory(dir, promptsDirectory: Paths.fixturePrompts)
        #expect(flows.map(\.name) == ["one"])
        #expect(diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") } == [
            "three.yaml:1: flow name 'one' is already used by one.yaml; expected each flow to have its own name",
            "two.yaml:2: number '1002' is already claimed by flow 'one' (one.yaml); expected each number in one flow only",
        ])
    }
}
