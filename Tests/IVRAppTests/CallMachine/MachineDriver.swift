import Flow
import ICE
import Media
import Store
@testable import IVRApp
@testable import WhatsApp
@testable import WhatsAppWire
import Wire

/// Drives a `CallMachine` on a manual time line for the tests: puts it in any state by the ordinary
/// path, feeds inputs, collects every action, and can play the rest of the call out.
struct MachineDriver {
    var machine: CallMachine
    var now: Instant
    var log: [CallMachine.Action] = []

    static let start = Instant(nanoseconds: 5_000_000_000)
    static let remote = TransportAddress(ip: .v4([203, 0, 113, 9]), port: 3478)
    static let consentLost = MediaCloseReason.ice(.consentLost(remote: remote, seconds: 30))

    init(timing: CallMachine.Timing = .init()) {
        machine = CallMachine(receivedAt: Self.start, timing: timing)
        now = Self.start
    }

    /// A call we place, before `start`.
    static func outbound(timing: CallMachine.Timing = .init()) -> MachineDriver {
        var d = MachineDriver(timing: timing)
        d.machine = CallMachine(outboundAt: start, timing: timing)
        return d
    }

    static let answerSDP = "v=0 (WhatsApp's answer)"

    /// A call we place that has reached `state` the ordinary way.
    static func placing(_ state: CallMachine.State) -> MachineDriver {
        var d = outbound()
        var path: [CallMachine.Input] = [.start]
        switch state {
        case .awaitingPermission: path += [.permission(.requestPermission), .permissionRequested]
        case .dialing: path += [.permission(.call)]
        case .ringing: path += [.permission(.call), .mediaOffered, .dialed(whatsAppCallID: "wacid.OUT")]
        case .answered:
            path += [.permission(.call), .mediaOffered, .dialed(whatsAppCallID: "wacid.OUT"), .answer(sdp: answerSDP),
                     .answerApplied]
        default: break
        }
        for input in path { d.feed(input) }
        d.log.removeAll()
        return d
    }

    /// A machine that has reached `state` the way a call does.
    static func at(_ state: CallMachine.State) -> MachineDriver {
        if state.isPlacing { return placing(state) }
        var d = MachineDriver()
        let path: [CallMachine.Input]
        switch state {
        case .received: path = []
        case .answering: path = [.start]
        case .preAccepted: path = [.start, .mediaAnswered, .graphSucceeded(.preAccept)]
        case .mediaConnected: path = [.start, .mediaAnswered, .graphSucceeded(.preAccept), .mediaConnected("203.0.113.9:3478")]
        case .accepted: path = [.start, .mediaAnswered, .graphSucceeded(.preAccept), .mediaConnected("x"), .graphSucceeded(.accept)]
        case .checkingPermission, .awaitingPermission, .dialing, .ringing, .answered:
            path = []
        case .running, .ending, .finalized:
            path = [.start, .mediaAnswered, .graphSucceeded(.preAccept), .mediaConnected("x"), .graphSucceeded(.accept),
                    .flowStarted]
        }
        for input in path { d.feed(input) }
        if state == .ending || state == .finalized {
            d.feed(.flowHungUp(.completed))
            d.feed(.flowFinished(outcome(.completed)))
        }
        if state == .finalized {
            d.advance(by: .milliseconds(400))
            d.feed(.finalized)
        }
        d.log.removeAll()
        return d
    }

    static func outcome(_ status: FlowOutcome.Status, variables: [String: FlowValue] = [:]) -> FlowOutcome {
        FlowOutcome(status: status, reason: status.rawValue, lastStep: "end", path: [], variables: variables,
                    endedAt: start)
    }

    static func terminate(_ status: TerminateStatus = .completed) -> CallTerminate {
        CallTerminate(business: BusinessContext(wabaID: nil, phoneNumberID: "106540352242922", displayPhoneNumber: nil),
                      callID: "wacid.T", from: "13175551234", to: nil, status: status, timestamp: nil, startTime: nil,
                      endTime: nil, durationSeconds: 12, bizOpaqueCallbackData: nil, errors: [])
    }

    @discardableResult
    mutating func feed(_ input: CallMachine.Input) -> [CallMachine.Action] {
        machine.handle(input, now: now)
        return drainActions()
    }

    mutating func advance(by d: Duration) {
        now = now + d
        if let due = machine.nextDeadline(), due <= now {
            machine.handleTimeout(now: now)
        }
        _ = drainActions()
    }

    mutating func drainActions() -> [CallMachine.Action] {
        var out: [CallMachine.Action] = []
        while let a = machine.pollAction() { out.append(a) }
        log += out
        return out
    }

    /// Plays the call out as a cooperative world would: every action answered with success, timers
    /// run, and WhatsApp's terminate when nothing else moves. Returns every action of the rest of the call.
    mutating func playOut(limit: Int = 200) -> [CallMachine.Action] {
        var pending: [CallMachine.Action] = log
        var all = log
        log.removeAll()
        var steps = 0
        while machine.state != .finalized || !pending.isEmpty, steps < limit {
            steps += 1
            if pending.isEmpty {
                if let due = machine.nextDeadline() {
                    now = max(now, due)
                    machine.handleTimeout(now: now)
                } else {
                    machine.handle(.terminated(Self.terminate()), now: now)
                }
                pending = drainActions()
                all += pending
                log.removeAll()
                continue
            }
            let action = pending.removeFirst()
            var reply: CallMachine.Input?
            switch action {
            case .answerMedia: reply = .mediaAnswered
            case .graph(.connect, _): reply = .dialed(whatsAppCallID: "wacid.OUT")
            case let .graph(step, _): reply = .graphSucceeded(step)
            case .checkPermission: reply = .permission(.call)
            case .requestPermission: reply = .permissionRequested
            case .offerMedia: reply = .mediaOffered
            case .applyAnswer: reply = .answerApplied
            case .startFlow: reply = .flowStarted
            case .stopFlow: reply = .flowFinished(Self.outcome(.callerHungUp))
            case .finalize: reply = .finalized
            case .journal, .drainFlow, .closeMedia, .recordTerminate, .exit, .recordAttempt: reply = nil
            }
            if let reply {
                machine.handle(reply, now: now)
                let more = drainActions()
                all += more
                log.removeAll()
                pending += more
            }
        }
        return all
    }
}

extension CallMachine.Action {
    var isFinalize: Bool { if case .finalize = self { return true } else { return false } }
    var finalizeReason: CallEndReason? { if case let .finalize(r, _) = self { return r } else { return nil } }
    var graphStep: CallMachine.GraphAction? { if case let .graph(s, _) = self { return s } else { return nil } }
    var outboundEnd: OutboundEnd? { if case let .outbound(e)? = finalizeReason { return e } else { return nil } }
}
