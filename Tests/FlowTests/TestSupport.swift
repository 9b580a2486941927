import Foundation
@testable import Flow
import Wire

/// Paths of the repository and of this target's fixtures, found from this file's location.
enum Paths {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    static let fixtures = tests + "/Fixtures"
    static let repo = URL(fileURLWithPath: tests).deletingLastPathComponent().deletingLastPathComponent().path
    static let flows = repo + "/Flows"
    static let prompts = repo + "/Prompts"
    static let fixturePrompts = fixtures + "/prompts"
}

func instant(_ seconds: Double) -> Instant { Instant(nanoseconds: Int64(seconds * 1e9)) }

/// Loads a flow from YAML text written in a test, with the fixture prompts.
func loadText(_ yaml: String, file: String = "test.yaml") -> (flow: Flow?, diagnostics: [Diagnostic]) {
    FlowLoader.load(bytes: Array(yaml.utf8), path: file, promptsDirectory: nil)
}

func mustLoad(_ yaml: String) throws -> Flow {
    let (flow, diagnostics) = loadText(yaml)
    guard let flow else { throw TestFailure(message: diagnostics.map(\.description).joined(separator: "\n")) }
    return flow
}

func loadExample(_ name: String) throws -> Flow {
    let (flow, diagnostics) = FlowLoader.load(path: "\(Paths.flows)/\(name).yaml", promptsDirectory: Paths.prompts)
    guard let flow else { throw TestFailure(message: diagnostics.map(\.description).joined(separator: "\n")) }
    return flow
}

struct TestFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Drives an engine by hand: events at given times, collecting every action.
struct Driver {
    var engine: FlowEngine
    var actions: [FlowAction] = []

    init(_ flow: Flow, budget: Int = 200) {
        engine = FlowEngine(flow: flow, call: CallInfo(callID: "c1", from: "15550001111", phoneNumberID: "100"),
                            now: instant(0), stepBudget: budget)
    }

    /// Sends an event and returns the actions it produced.
    @discardableResult
    mutating func send(_ event: FlowEvent, at t: Double) -> [FlowAction] {
        engine.handle(event, now: instant(t))
        return drain()
    }

    /// Fires the timer if it is due at `t`.
    @discardableResult
    mutating func tick(at t: Double) -> [FlowAction] {
        engine.handleTimeout(now: instant(t))
        return drain()
    }

    mutating func drain() -> [FlowAction] {
        var out: [FlowAction] = []
        while let a = engine.pollAction() { out.append(a) }
        actions += out
        return out
    }

    var deadline: Double? { engine.nextDeadline().map { Double($0.nanoseconds) / 1e9 } }
}
