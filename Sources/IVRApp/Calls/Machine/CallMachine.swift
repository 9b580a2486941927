import Flow
import Media
import Store
import WhatsApp
import Wire

/// The life of one call, sans-IO: inputs in (each with `now`), actions out (drained with
/// `pollAction()`), and the one deadline it wants to be woken at (`nextDeadline()`, then
/// `handleTimeout(now:)`). It never reads a clock, sleeps or does IO; `CallActor` carries out its
/// actions and feeds back their results.
///
/// It owns every rule of a call's life: the accept window (once, counted from the webhook's
/// receipt), what a `terminate` does in each state, a failure before `accept` becoming a `reject`,
/// the wait for WhatsApp's word after media dies, the goodbye's playout, the drain, and finalizing
/// exactly once with a typed reason and the flow's own outcome.
public struct CallMachine: Sendable {
    public internal(set) var state: State = .received
    /// Who started the call; a call we place has its own set-up states (`CallMachine+Outbound`).
    public internal(set) var direction: Direction = .inbound
    /// A call we place: WhatsApp's call id, once `connect` was taken.
    public internal(set) var whatsAppCallID: String?
    var permissionDeadline: Instant?
    var ringDeadline: Instant?
    var answerDeadline: Instant?
    public let timing: Timing
    /// When the `connect` webhook was received; the accept window counts from here.
    public let receivedAt: Instant

    var acceptDeadline: Instant { receivedAt + timing.acceptWindow }
    /// The media session exists and has not closed.
    var mediaOpen = false
    var flowRunning = false
    /// Why the call is ending, once that is decided.
    public private(set) var ending: CallEndReason?
    var flowOutcome: FlowOutcome?
    /// `ending` waits for the flow's outcome after a `stopFlow` or a hang-up.
    var awaitingFlow = false
    /// `ending` waits until then (the goodbye's playout, WhatsApp's terminate after media died).
    var endDeadline: Instant?
    /// When the call reaches `timing.maxCallDuration` (set when its flow starts).
    var limitDeadline: Instant?
    var finalizeSent = false
    /// A `reject` is on its way; the call finalizes when it is answered.
    var rejecting: String?
    /// A `pre_accept` or `accept` not answered yet: a `reject` waits for it, so WhatsApp never sees
    /// the reject before the action it refuses.
    var inFlight: GraphAction?
    var rejectWaiting = false
    public private(set) var drainDeadline: Instant?
    var actions: [Action] = []
    var head = 0

    public init(receivedAt: Instant, timing: Timing = Timing()) {
        self.receivedAt = receivedAt
        self.timing = timing
    }

    public var isDraining: Bool { drainDeadline != nil }

    public mutating func pollAction() -> Action? {
        guard head < actions.count else {
            actions.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }
        defer { head += 1 }
        return actions[head]
    }

    /// When `handleTimeout(now:)` is next due; nil while the call waits only for inputs.
    public func nextDeadline() -> Instant? {
        switch state {
        case .received, .answering, .preAccepted, .mediaConnected:
            return [acceptDeadline, drainDeadline].compactMap { $0 }.min()
        case .accepted, .running:
            return [drainDeadline, limitDeadline].compactMap { $0 }.min()
        case .ending:
            return finalizeSent ? nil : endDeadline
        case .finalized, .checkingPermission, .dialing:
            return nil
        case .awaitingPermission:
            return permissionDeadline
        case .ringing:
            return ringDeadline
        case .answered:
            return answerDeadline
        }
    }

    public mutating func handle(_ input: Input, now: Instant) {
        if direction == .outbound, handleOutbound(input, now: now) { return }
        // What every state does alike.
        switch input {
        case let .graphSucceeded(step) where step == inFlight, let .graphFailed(step, _) where step == inFlight:
            inFlight = nil
            if rejectWaiting {
                rejectWaiting = false
                emit(.graph(.reject, deadline: acceptDeadline))
                return
            }
        case let .progress(p):
            if state != .finalized { emit(.journal(.event(.status, p.description))) }
            return
        case let .terminated(t):
            return terminated(t, now: now)
        case let .mediaClosed(reason):
            guard mediaOpen else { return }
            mediaOpen = false
            return mediaClosed(reason, now: now)
        case let .drain(deadline):
            return drain(until: deadline, now: now)
        case .finalized:
            guard state == .ending, finalizeSent else { return }
            state = .finalized
            if mediaOpen {
                mediaOpen = false
                emit(.closeMedia(.local(Self.localClose(for: ending))))
            }
            return emit(.exit)
        default:
            break
        }
        switch (state, input) {
        case (.received, .start):
            state = .answering
            emit(.answerMedia)
        case let (.received, .refuse(reason)):
            reject(reason, now: now)
        case (.answering, .mediaAnswered):
            mediaOpen = true
            inFlight = .preAccept
            emit(.graph(.preAccept, deadline: acceptDeadline))
        case let (.answering, .mediaAnswerFailed(why)):
            reject("cannot answer the SDP offer: \(why)", now: now)
        case (.answering, .graphSucceeded(.preAccept)):
            state = .preAccepted
            emit(.journal(.status(.preAccepted)))
            emit(.journal(.event(.preAccept, "answer sent")))
        case let (.answering, .graphFailed(.preAccept, why)):
            reject("pre_accept failed: \(why)", now: now)
        case let (.preAccepted, .mediaConnected(remote)):
            state = .mediaConnected
            emit(.journal(.event(.connected, remote)))
            inFlight = .accept
            emit(.graph(.accept, deadline: acceptDeadline))
        case (.mediaConnected, .graphSucceeded(.accept)):
            state = .accepted
            emit(.journal(.accepted))
            emit(.journal(.event(.firstAudio, "accepted; media flowing")))
            emit(.startFlow)
        case let (.mediaConnected, .graphFailed(.accept, why)):
            reject("accept failed: \(why)", now: now)
        case (.accepted, .flowStarted):
            state = .running
            limitDeadline = now + timing.maxCallDuration
            flowRunning = true
            if isDraining { emit(.drainFlow) }
        case let (.accepted, .flowStartFailed(why)):
            emit(.journal(.event(.error, "flow_start: \(why)")))
            end(.flowEnded(.failed), now: now)
        case let (.running, .flowHungUp(disposition)):
            state = .ending
            ending = isDraining ? .shutdown(disposition) : .hangup(disposition)
            awaitingFlow = flowRunning
            endDeadline = now + timing.hangupPlayout
        case let (.running, .flowFinished(outcome)):
            // The flow ended without a hang-up step.
            flowRunning = false
            flowOutcome = outcome
            end(isDraining ? .shutdown(nil) : .flowEnded(outcome.status), now: now)
        case let (.ending, .flowFinished(outcome)):
            flowRunning = false
            flowOutcome = outcome
            awaitingFlow = false
            if endDeadline == nil { finalizeIfReady() }
        case (.ending, .graphSucceeded(.reject)):
            guard let reason = rejecting else { return }
            rejecting = nil
            ending = .rejected(reason: reason, rejectFailed: nil)
            finalizeIfReady()
        case let (.ending, .graphFailed(.reject, why)):
            guard let reason = rejecting else { return }
            rejecting = nil
            ending = .rejected(reason: reason, rejectFailed: why)
            finalizeIfReady()
        case let (.ending, .refuse(reason)):
            // A refusal that reached a call already on its way out adds nothing but a note.
            emit(.journal(.event(.error, "refused while ending: \(reason)")))
        case (_, .refuse(let reason)) where state.isSettingUp:
            reject(reason, now: now)
        default:
            // Late results of work the call no longer waits for (a `pre_accept` answered after a
            // `terminate`, a hang-up after the media died): nothing to do.
            break
        }
    }

    public mutating func handleTimeout(now: Instant) {
        switch state {
        case .received, .answering, .preAccepted, .mediaConnected:
            if now >= acceptDeadline {
                emit(.journal(.event(.error, "accept_window: \(timing.acceptWindow) passed in state \(state)")))
                closeMediaIfOpen(.local(.setupAbandoned("accept window passed")))
                end(.setupFailed("the accept window (\(timing.acceptWindow)) passed in state \(state)"), now: now)
            } else if let d = drainDeadline, now >= d {
                reject("the server is shutting down", now: now)
            }
        case .accepted, .running:
            if let d = limitDeadline, now >= d {
                emit(.journal(.event(.error, "time_limit: the call reached \(timing.maxCallDuration)")))
                return end(.timeLimit(timing.maxCallDuration), stop: .mediaFailed("the call reached its time limit"), now: now)
            }
            guard let d = drainDeadline, now >= d else { return }
            emit(.journal(.event(.drain, "drain time over; ending the call")))
            end(.shutdown(nil), stop: .shutdown, now: now)
        case .ending:
            guard !finalizeSent, let d = endDeadline, now >= d else { return }
            endDeadline = nil
            // The flow reports its outcome at once when told to stop; waiting longer would not help.
            awaitingFlow = false
            finalizeIfReady()
        case .finalized:
            return
        case .checkingPermission, .awaitingPermission, .dialing, .ringing, .answered:
            placingTimeout(now: now)
        }
    }

    // MARK: - Transitions shared by several states

    mutating func terminated(_ t: CallTerminate, now: Instant) {
        switch state {
        case .finalized:
            emit(.recordTerminate(t))
        case .ending:
            guard !finalizeSent else { return emit(.recordTerminate(t)) }
            // WhatsApp's word settles an ending that was still waiting (media died, goodbye playing,
            // a reject in flight): its status is authoritative.
            ending = .whatsApp(status: t.status)
            rejecting = nil
            rejectWaiting = false
            endDeadline = nil
            terminateSeen = t
            closeMediaIfOpen(.local(.terminatedByWhatsApp))
            if flowRunning {
                awaitingFlow = true
                emit(.stopFlow(.callerHungUp))
            } else {
                finalizeIfReady()
            }
        case .checkingPermission, .awaitingPermission, .dialing, .ringing, .answered:
            terminateSeen = t
            if state == .ringing { emit(.recordAttempt(answered: false)) }
            closeMediaIfOpen(.local(.terminatedByWhatsApp))
            end(.whatsApp(status: t.status), now: now)
        case .received, .answering, .preAccepted, .mediaConnected, .accepted, .running:
            terminateSeen = t
            closeMediaIfOpen(.local(.terminatedByWhatsApp))
            end(.whatsApp(status: t.status), stop: .callerHungUp, now: now)
        }
    }

    mutating func mediaClosed(_ reason: MediaCloseReason, now: Instant) {
        switch state {
        case .answering, .preAccepted, .mediaConnected:
            reject("media did not connect: \(reason)", now: now)
        case .answered:
            end(.media(reason), now: now)
        case .checkingPermission, .awaitingPermission, .dialing, .ringing:
            return
        case .accepted, .running:
            // WhatsApp's terminate usually follows at once and carries the real status: wait a little.
            state = .ending
            ending = .media(reason)
            endDeadline = now + timing.terminateGrace
            if flowRunning {
                awaitingFlow = true
                emit(.stopFlow(.mediaFailed(reason.description)))
            }
        case .received, .ending, .finalized:
            return
        }
    }

    mutating func drain(until deadline: Instant, now: Instant) {
        guard state != .ending, state != .finalized else { return }
        let first = drainDeadline == nil
        drainDeadline = min(deadline, drainDeadline ?? deadline)
        guard first else { return }
        emit(.journal(.event(.drain, "server draining")))
        if state == .running { emit(.drainFlow) }
        if direction == .outbound, state.isPlacing { abandonPlacing(now: now) }
    }

    /// Before `accept`: refuse with `reject`, then finalize once WhatsApp answers it.
    mutating func reject(_ reason: String, now: Instant) {
        closeMediaIfOpen(.local(.setupAbandoned(reason)))
        state = .ending
        ending = .rejected(reason: reason, rejectFailed: nil)
        rejecting = reason
        emit(.journal(.event(.error, "rejected: \(reason)")))
        if inFlight == nil {
            emit(.graph(.reject, deadline: acceptDeadline))
        } else {
            rejectWaiting = true
        }
    }

    /// Ends the call for `reason`: stops the flow if it runs (its outcome comes back), then finalizes.
    mutating func end(_ reason: CallEndReason, stop: FlowStop? = nil, now: Instant) {
        state = .ending
        ending = reason
        endDeadline = nil
        if flowRunning, let stop {
            awaitingFlow = true
            emit(.stopFlow(stop))
        } else {
            finalizeIfReady()
        }
    }

    mutating func finalizeIfReady() {
        guard state == .ending, !finalizeSent, !awaitingFlow, rejecting == nil, let ending else { return }
        finalizeSent = true
        emit(.finalize(ending, flowOutcome))
    }

    mutating func closeMediaIfOpen(_ reason: MediaCloseReason) {
        guard mediaOpen else { return }
        mediaOpen = false
        emit(.closeMedia(reason))
    }

    mutating func emit(_ action: Action) { actions.append(action) }

    /// The `terminate` webhook that ended the call, when WhatsApp ended it (its figures go to the store).
    public internal(set) var terminateSeen: CallTerminate?

    static func localClose(for ending: CallEndReason?) -> LocalMediaClose {
        switch ending {
        case let .hangup(d)?: return .hangup(d.description)
        case .whatsApp?: return .terminatedByWhatsApp
        case .shutdown?: return .shutdown
        case let .rejected(reason, _)?: return .setupAbandoned(reason)
        case let .setupFailed(why)?: return .setupAbandoned(why)
        case let .flowEnded(status)?: return .hangup(status.rawValue)
        case .timeLimit?: return .hangup("time limit")
        case let .outbound(end)?: return end.sendsTerminate ? .setupAbandoned(end.detail) : .finished
        case .media?, .interrupted?, .instanceLost?, nil: return .finished
        }
    }
}
