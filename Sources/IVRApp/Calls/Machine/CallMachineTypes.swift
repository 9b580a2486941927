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
        /// A call we place: `call_permissions` is being read and judged (limits, the unanswered guard).
        case checkingPermission = "checking_permission"
        /// A call we place: the permission request was sent; waiting for the user's reply.
        case awaitingPermission = "awaiting_permission"
        /// A call we place: our offer is being built and `connect` is on its way.
        case dialing
        /// A call we place: WhatsApp took `connect`; the user's phone rings until its answer arrives.
        case ringing
        /// A call we place: WhatsApp's SDP answer is applied; ICE and DTLS are connecting.
        case answered
        /// The call is ending: an outcome is being put together and committed.
        case ending
        /// The outcome is committed; the owner exits.
        case finalized

        public var description: String { rawValue }

        /// Before `accept` was acknowledged: a failure here is answered with `reject`.
        public var isSettingUp: Bool { [.received, .answering, .preAccepted, .mediaConnected].contains(self) }

        /// A call we place, before media connected: ending here places no flow.
        public var isPlacing: Bool { [.checkingPermission, .awaitingPermission, .dialing, .ringing, .answered].contains(self) }
    }

    /// Who started the call: the user (a `connect` webhook with an offer) or we (`POST /v1/calls`).
    public enum Direction: String, Sendable {
        case inbound = "USER_INITIATED"
        case outbound = "BUSINESS_INITIATED"
    }

    /// The Graph API's call actions.
    public enum GraphAction: String, Sendable, CaseIterable, CustomStringConvertible {
        case preAccept = "pre_accept"
        case accept, reject
        /// A call we place: `connect` with our offer (its result is `dialed` or `dialFailed`).
        case connect
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

        // A call we place.
        /// The permission check's verdict.
        case permission(PermissionDecision)
        /// The permission request message went out.
        case permissionRequested
        /// The permission request could not be sent.
        case permissionRequestFailed(OutboundFailure)
        /// The user's `call_permission_reply`: accepted or rejected.
        case permissionReply(granted: Bool)
        /// Our offer is built (the owner keeps it); `connect` may go.
        case mediaOffered
        case mediaOfferFailed(String)
        /// WhatsApp took `connect`; its call id.
        case dialed(whatsAppCallID: String)
        case dialFailed(OutboundFailure)
        /// The `connect` webhook with WhatsApp's SDP answer.
        case answer(sdp: String)
        /// The answer was applied: the media session runs.
        case answerApplied
        case answerRefused(String)
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

        // A call we place.
        /// Read the user's permission (cached, rate-limited) and judge it (report `permission`).
        case checkPermission
        /// Send the permission request message (report `permissionRequested` or `permissionRequestFailed`).
        case requestPermission
        /// Open the socket and build our offer (report `mediaOffered` or `mediaOfferFailed`).
        case offerMedia
        /// Apply WhatsApp's answer to our offer (report `answerApplied` or `answerRefused`).
        case applyAnswer(String)
        /// Count the attempt for the unanswered guard: answered (media connected) or not (no answer, declined).
        case recordAttempt(answered: Bool)
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
        /// A call we place: how long the phone may ring before we give up and `terminate` (`outbound.ring_timeout_seconds`).
        public var ringTimeout: Duration = .seconds(45)
        /// A call we place: how long to wait for the user's reply to the permission request.
        public var permissionWait: Duration = .seconds(24 * 3600)
        /// A call we place: from the applied answer, how long ICE and DTLS may take.
        public var answerConnectWindow: Duration = .seconds(20)
        /// From the flow's start, the longest a call may last (`server.max_call_seconds`); then it is ended, so
        /// that no flow or caller holds a call (a port, a slot under `max_calls`) for ever.
        public var maxCallDuration: Duration = .seconds(3600)

        public init() {}
    }
}
