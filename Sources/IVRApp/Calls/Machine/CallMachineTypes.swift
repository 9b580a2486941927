import Flow
import Media
import Store
import WhatsApp
import Wire

extension CallMachine {
    /// Where a call is in its life. Set-up runs `received` → `answering` → `preAccepted` →
    /// `mediaConnected` → `accepted`; the flow runs in `running`; `ending` waits for what the end needs
    /// (the flow's outcome, a goodbye's playout, WhatsApp's word); `finalized` is the end.
    public enum State: String, Sendable, CaseIterable, CustomStringConvertible {
        /// The `connect` webhook is in; nothing done yet.
        case received
        /// The SDP answer is being built and `pre_accept` is on its way.
        case answering
        /// WhatsApp took `pre_accept`; ICE and DTLS are connecting.
        case preAccepted = "pre_accepted"
        /// Media is up; `accept` (with the identical answer) is on its way.
        case mediaConnected = "media_connected"
        /// WhatsApp took `accept`; the flow is starting.
        case accepted
        /// The flow runs.
        case running
        /// The call is ending: an outcome is being put together and committed.
        case ending
        /// The outcome is committed; the owner exits.
        case finalized

        public var description: String { rawValue }

        /// Before `accept` was acknowledged: a failure here is answered with `reject`.
        public var isSettingUp: Bool { [.received, .answering, .preAccepted, .mediaConnected].contains(self) }
    }

    /// The Graph API's call actions.
    public enum GraphAction: String, Sendable, CaseIterable, CustomStringConvertible {
        case preAccept = "pre_accept"
        case accept, reject
        public var description: String { rawValue }
    }

    /// How the flow is told to stop when the call ends under it.
    public enum FlowStop: Sendable, Equatable {
        case callerHungUp
        case mediaFailed(String)
        case shutdown

        var event: FlowEvent {
            switch self {
            case .callerHungUp: return .callerHungUp
            case let .mediaFailed(reason): return .mediaFailed(reason: reason)
            case .shutdown: return .shutdown
            }
        }
    }

    /// Everything that happens to a call, each handed in with the time it was seen.
    public enum Input: Sendable, Equatable {
        /// Begin: answer the call.
        case start
        /// Do not answer it: no flow, the server is draining, a limit is reached. `reject` follows.
        case refuse(String)
        /// The media core answered the offer (the answer SDP is the owner's to keep).
        case mediaAnswered
        /// The offer cannot be served (no Opus, no DTLS-SRTP, no free port): the reason.
        case mediaAnswerFailed(String)
        case graphSucceeded(GraphAction)
        case graphFailed(GraphAction, String)
        /// ICE and DTLS completed; the remote address and SRTP profile, for the timeline.
        case mediaConnected(String)
        case mediaClosed(MediaCloseReason)
        /// WhatsApp's `terminate` webhook for this call.
        case terminated(CallTerminate)
        /// A `statuses` webhook for this call (RINGING, ACCEPTED, REJECTED): journaled.
        case progress(CallProgress)
        case flowStarted
        case flowStartFailed(String)
        /// The flow's `hangup` action.
        case flowHungUp(HangupDisposition)
        /// The flow's engine finished; its outcome, variables included (redacted names masked).
        case flowFinished(FlowOutcome)
        /// The server drains; running calls end by `deadline`.
        case drain(deadline: Instant)
        /// The finalization was committed (or found the call already final).
        case finalized
    }

    /// What a call writes to its own record while it runs.
    public enum Journal: Sendable, Equatable {
        case status(CallStatus)
        /// `accept` acknowledged: status `accepted` and `connected_at`.
        case accepted
        case event(CallEventKind, String)
    }

    /// What the owner of the call must do, in order.
    public enum Action: Sendable, Equatable {
        /// Ask the media core for an SDP answer (report `mediaAnswered` or `mediaAnswerFailed`).
        case answerMedia
        /// Send a Graph call action; `pre_accept` and `accept` carry the one answer SDP.
        case graph(GraphAction, deadline: Instant?)
        case journal(Journal)
        /// Start the flow (report `flowStarted` or `flowStartFailed`).
        case startFlow
        /// Tell the flow the server drains (it jumps to its `on_drain` step, if any).
        case drainFlow
        /// End the flow now (it reports `flowFinished`).
        case stopFlow(FlowStop)
        case closeMedia(MediaCloseReason)
        /// Commit the outcome once (report `finalized`); the flow's outcome when the flow ran.
        case finalize(CallEndReason, FlowOutcome?)
        /// The call is already ending or final: store WhatsApp's figures from its `terminate` webhook.
        case recordTerminate(CallTerminate)
        /// Nothing more will happen: the owner leaves the registry and returns.
        case exit
    }

    /// The waits a call has, each counted once.
    public struct Timing: Sendable, Equatable {
        /// From the `connect` webhook's receipt, `pre_accept` and `accept` must be done within this.
        public var acceptWindow: Duration = .seconds(30)
        /// After the media ends on its own, how long to wait for WhatsApp's `terminate` (which carries the
        /// authoritative status) before ending the call ourselves.
        public var terminateGrace: Duration = .seconds(2)
        /// After the flow hangs up, how long the last prompt's packets get to play out at the caller.
        public var hangupPlayout: Duration = .milliseconds(400)

        public init() {}
    }
}
