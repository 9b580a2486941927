import NIOConcurrencyHelpers
import Wire

/// The calls alive in this process, by call id, and whether the server drains. Webhooks find a
/// call's owner here; the drain reaches every owner through it. One lock guards both, so a call
/// admitted just as the drain begins still hears of the drain.
public final class CallRegistry: Sendable {
    struct State {
        var calls: [String: CallActor] = [:]
        var drainDeadline: Instant?
        /// WhatsApp's ids of the calls we placed → our ids.
        var aliases: [String: String] = [:]
        /// Inputs for a WhatsApp id not known yet (its `connect` answer may outrun `connect`'s response).
        var held: [String: [CallMachine.Input]] = [:]
        /// Calls we place → "phone_number_id|user", for the user's permission reply.
        var outboundUsers: [String: String] = [:]
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
        state.withLockedValue { s in
            _ = s.calls.removeValue(forKey: callID)
            s.aliases = s.aliases.filter { $0.value != callID }
            s.outboundUsers[callID] = nil
        }
    }

    /// Hands an input to the call's owner, by our id or, for a call we placed, WhatsApp's. False when no
    /// owner is alive (it ended, or never was here).
    @discardableResult
    public func send(_ input: CallMachine.Input, to callID: String) -> Bool {
        guard let call = state.withLockedValue({ s in s.calls[callID] ?? s.aliases[callID].flatMap { s.calls[$0] } }) else {
            return false
        }
        return call.send(input)
    }

    /// Notes whom a call we place is for (its permission reply reaches it).
    func noteOutbound(_ callID: String, phoneNumberID: String, user: String) {
        state.withLockedValue { $0.outboundUsers[callID] = "\(phoneNumberID)|\(user)" }
    }

    /// The live calls we place to `user` from `phoneNumberID`.
    func outboundCalls(phoneNumberID: String, user: String) -> [String] {
        let key = "\(phoneNumberID)|\(user)"
        return state.withLockedValue { s in s.outboundUsers.filter { $0.value == key }.map(\.key) }
    }

    /// Our id for WhatsApp's id of a live call we placed.
    public func callID(forWhatsAppCallID id: String) -> String? { state.withLockedValue { $0.aliases[id] } }

    /// Names a call we placed by WhatsApp's id too; inputs held for that id are handed over now.
    func alias(_ waCallID: String, to callID: String) {
        state.withLockedValue { s in
            s.aliases[waCallID] = callID
            for input in s.held.removeValue(forKey: waCallID) ?? [] { s.calls[callID]?.send(input) }
        }
    }

    /// Hands an input to a call we placed by WhatsApp's id, or holds it (a few, for a short while: the
    /// caller drops them with `dropHeld`) until `connect`'s response names the id.
    func sendOrHold(_ input: CallMachine.Input, toWhatsAppCallID id: String, maxHeld: Int = 256) -> Bool {
        state.withLockedValue { s in
            if let ours = s.aliases[id], let call = s.calls[ours] { return call.send(input) }
            guard s.held.count < maxHeld || s.held[id] != nil else { return false }
            s.held[id, default: []].append(input)
            return true
        }
    }

    /// Drops what is held for an id no call claimed. True when something was dropped.
    func dropHeld(_ id: String) -> Bool {
        state.withLockedValue { $0.held.removeValue(forKey: id) != nil }
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
