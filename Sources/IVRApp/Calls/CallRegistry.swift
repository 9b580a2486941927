import NIOConcurrencyHelpers
import Wire

/// The calls alive in this process, by call id, and whether the server drains. Webhooks find a
/// call's owner here; the drain reaches every owner through it. One lock guards both, so a call
/// admitted just as the drain begins still hears of the drain.
public final class CallRegistry: Sendable {
    struct State {
        var calls: [String: CallActor] = [:]
        var drainDeadline: Instant?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public var count: Int { state.withLockedValue { $0.calls.count } }
    public var isDraining: Bool { state.withLockedValue { $0.drainDeadline != nil } }
    public var callIDs: [String] { state.withLockedValue { Array($0.calls.keys) } }
    public func contains(_ callID: String) -> Bool { state.withLockedValue { $0.calls[callID] != nil } }

    /// Adds a call unless one with its id is alive. `admit` runs under the lock (the service queues
    /// the call there, so the drain cannot slip in between); a call admitted while draining hears
    /// of the drain at once.
    func insert(_ call: CallActor, admit: (CallActor) -> Void) -> Bool {
        state.withLockedValue { s in
            guard s.calls[call.callID] == nil else { return false }
            s.calls[call.callID] = call
            admit(call)
            if let d = s.drainDeadline { call.send(.drain(deadline: d)) }
            return true
        }
    }

    func remove(_ callID: String) {
        state.withLockedValue { _ = $0.calls.removeValue(forKey: callID) }
    }

    /// Hands an input to the call's owner. False when no owner is alive (it ended, or never was here).
    @discardableResult
    public func send(_ input: CallMachine.Input, to callID: String) -> Bool {
        guard let call = state.withLockedValue({ $0.calls[callID] }) else { return false }
        return call.send(input)
    }

    /// Starts (or shortens) the drain: every call is told to end by `deadline`. `then` runs under the
    /// lock once the drain is recorded (the service stops admitting calls there).
    func drain(until deadline: Instant, then: () -> Void = {}) {
        state.withLockedValue { s in
            s.drainDeadline = min(deadline, s.drainDeadline ?? deadline)
            for call in s.calls.values { call.send(.drain(deadline: deadline)) }
            then()
        }
    }
}
