import Flow
import Media
import Store
import WhatsApp
import Wire

/// A call we place (`POST /v1/calls`, a campaign, a callback): the same machine, started from our
/// side. Permission is checked (and requested when missing), our offer goes out with `connect`, the
/// phone rings until WhatsApp's answer arrives in the `connect` webhook (or the ring timeout passes,
/// or the user declines), the answer is applied, and once media connects the call joins the common
/// path in `accepted`: the flow runs, and every ending rule of an inbound call applies.
extension CallMachine {
    /// A call we place, starting now; `start` begins the permission check.
    public init(outboundAt start: Instant, timing: Timing = Timing()) {
        self.init(receivedAt: start, timing: timing)
        direction = .outbound
        state = .checkingPermission
    }

    /// What only a call we place does; false for inputs the shared rules take (terminate, drain,
    /// the flow's inputs, media closing once the call is accepted).
    mutating func handleOutbound(_ input: Input, now: Instant) -> Bool {
        switch (state, input) {
        case (.checkingPermission, .start):
            emit(.checkPermission)
        case let (.checkingPermission, .permission(decision)):
            switch decision {
            case .call: dial()
            case .requestPermission: emit(.requestPermission)
            case let .refuse(refusal): endPlacing(.refused(refusal), now: now)
            }
        case (.checkingPermission, .permissionRequested):
            state = .awaitingPermission
            permissionDeadline = now + timing.permissionWait
            emit(.journal(.event(.status, "call permission requested")))
        case let (.checkingPermission, .permissionRequestFailed(failure)):
            // A permanent permission makes the request needless: call.
            if failure == .permanentPermissionExists { dial() } else { endPlacing(.failed(failure), now: now) }
        case let (.awaitingPermission, .permissionReply(granted)):
            permissionDeadline = nil
            emit(.journal(.event(.status, granted ? "call permission granted" : "call permission rejected")))
            if granted { dial() } else { endPlacing(.permissionDenied, now: now) }
        case (.dialing, .mediaOffered):
            inFlight = .connect
            emit(.graph(.connect, deadline: nil))
        case let (.dialing, .mediaOfferFailed(why)):
            endPlacing(.notPlaced("cannot build the SDP offer: \(why)"), now: now)
        case let (.dialing, .dialed(id)):
            inFlight = nil
            whatsAppCallID = id
            emit(.journal(.event(.status, "connect taken: \(id)")))
            if isDraining {
                endPlacingTaken(.shutdown(nil), now: now)
                return true
            }
            state = .ringing
            ringDeadline = now + timing.ringTimeout
        case let (.dialing, .dialFailed(failure)):
            inFlight = nil
            endPlacing(.failed(failure), now: now)
        case let (.ringing, .progress(p)):
            emit(.journal(.event(.status, p.description)))
            if p == .rejected {
                emit(.recordAttempt(answered: false))
                endPlacing(.declined, now: now)
            }
        case let (.ringing, .answer(sdp)):
            state = .answered
            ringDeadline = nil
            answerDeadline = now + timing.answerConnectWindow
            emit(.journal(.event(.status, "answer received")))
            emit(.applyAnswer(sdp))
        case (.answered, .answerApplied):
            mediaOpen = true
        case let (.answered, .answerRefused(why)):
            endPlacing(.answerRefused(why), now: now)
        case let (.answered, .mediaConnected(remote)):
            answerDeadline = nil
            state = .accepted
            emit(.journal(.event(.connected, remote)))
            emit(.journal(.accepted))
            emit(.journal(.event(.firstAudio, "answered; media flowing")))
            emit(.recordAttempt(answered: true))
            emit(.startFlow)
        case let (_, .refuse(reason)) where state.isPlacing:
            endPlacing(.notPlaced(reason), now: now)
        default:
            return false
        }
        return true
    }

    /// The deadlines of the placing states: the permission wait, the ring timeout, the media window.
    mutating func placingTimeout(now: Instant) {
        switch state {
        case .awaitingPermission:
            guard let d = permissionDeadline, now >= d else { return }
            permissionDeadline = nil
            endPlacing(.permissionTimeout(timing.permissionWait), now: now)
        case .ringing:
            guard let d = ringDeadline, now >= d else { return }
            ringDeadline = nil
            emit(.recordAttempt(answered: false))
            endPlacing(.noAnswer(timing.ringTimeout), now: now)
        case .answered:
            guard let d = answerDeadline, now >= d else { return }
            answerDeadline = nil
            closeMediaIfOpen(.local(.setupAbandoned("media did not connect after the answer")))
            end(.media(.connectTimeout(phase: "ICE/DTLS after the answer", after: timing.answerConnectWindow)), now: now)
        default:
            return
        }
    }

    /// The drain reached a call still being placed: before `connect` nothing is up at WhatsApp; with
    /// `connect` in flight the call ends once its id is known (it is then terminated); ringing or
    /// answered calls are terminated now.
    mutating func abandonPlacing(now: Instant) {
        switch state {
        case .checkingPermission, .awaitingPermission:
            endPlacing(.notPlaced("the server is shutting down"), now: now)
        case .dialing:
            return  // `dialed` or `dialFailed` ends it
        case .ringing, .answered:
            endPlacingTaken(.shutdown(nil), now: now)
        default:
            return
        }
    }

    mutating func dial() {
        state = .dialing
        emit(.offerMedia)
    }

    mutating func endPlacing(_ end: OutboundEnd, now: Instant) {
        endPlacingTaken(.outbound(end), now: now)
    }

    mutating func endPlacingTaken(_ reason: CallEndReason, now: Instant) {
        ringDeadline = nil
        answerDeadline = nil
        permissionDeadline = nil
        closeMediaIfOpen(.local(.setupAbandoned(reason.detail)))
        end(reason, now: now)
    }
}
