/// Where an event came from: the business account and number it concerns.
public struct BusinessContext: Equatable, Sendable {
    public var wabaID: String?
    public var phoneNumberID: String
    public var displayPhoneNumber: String?

    public init(wabaID: String?, phoneNumberID: String, displayPhoneNumber: String?) {
        self.wabaID = wabaID
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
    }
}

/// A user calling the business (`event: connect`) with WhatsApp's SDP offer.
public struct CallConnect: Equatable, Sendable {
    public var business: BusinessContext
    public var callID: String
    public var from: String
    public var fromUserID: String?
    public var to: String?
    public var callerName: String?
    public var timestamp: String?
    public var direction: String?
    public var sdpType: String
    public var sdp: String
    public var ctaPayload: String?
    public var deeplinkPayload: String?

    public init(business: BusinessContext, callID: String, from: String, fromUserID: String? = nil, to: String? = nil,
                callerName: String? = nil, timestamp: String? = nil, direction: String? = nil, sdpType: String,
                sdp: String, ctaPayload: String? = nil, deeplinkPayload: String? = nil) {
        self.business = business
        self.callID = callID
        self.from = from
        self.fromUserID = fromUserID
        self.to = to
        self.callerName = callerName
        self.timestamp = timestamp
        self.direction = direction
        self.sdpType = sdpType
        self.sdp = sdp
        self.ctaPayload = ctaPayload
        self.deeplinkPayload = deeplinkPayload
    }
}

/// The user's reply to a call permission request (`messages[]` with `interactive.type: call_permission_reply`).
public struct CallPermissionReply: Equatable, Sendable {
    public var business: BusinessContext
    public var messageID: String
    public var from: String
    public var accepted: Bool
    public var permanent: Bool
    public var expiresAt: String?
    /// `user_action` or `automatic`.
    public var source: String?
    /// What the reply answers: our request's wamid, or a wacid when the permission came from a callback.
    public var contextID: String?
}

/// How WhatsApp reports a call's end. Matched without regard to case; unknown values kept.
public enum TerminateStatus: Equatable, Sendable, CustomStringConvertible {
    case completed, failed, rejected
    case other(String)

    public init(_ raw: String) {
        switch raw.uppercased() {
        case "COMPLETED": self = .completed
        case "FAILED": self = .failed
        case "REJECTED": self = .rejected
        default: self = .other(raw)
        }
    }

    public var description: String {
        switch self {
        case .completed: return "COMPLETED"
        case .failed: return "FAILED"
        case .rejected: return "REJECTED"
        case let .other(s): return s
        }
    }
}

/// An error WhatsApp attaches to a webhook (`value.errors[]` or `statuses[].errors[]`).
public struct WebhookError: Equatable, Sendable {
    public var code: Int?
    public var message: String?
    public var details: String?

    public init(code: Int? = nil, message: String? = nil, details: String? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }
}

/// The end of a call (`event: terminate`).
public struct CallTerminate: Equatable, Sendable {
    public var business: BusinessContext
    public var callID: String
    public var from: String?
    public var to: String?
    public var status: TerminateStatus?
    public var timestamp: String?
    public var startTime: String?
    public var endTime: String?
    public var durationSeconds: Int?
    public var bizOpaqueCallbackData: String?
    public var errors: [WebhookError]
}

/// Progress of a business-initiated call (`statuses[]` with `type: call`).
public enum CallProgress: Equatable, Sendable, CustomStringConvertible {
    case ringing, accepted, rejected
    case other(String)

    public init(_ raw: String) {
        switch raw.uppercased() {
        case "RINGING": self = .ringing
        case "ACCEPTED": self = .accepted
        case "REJECTED": self = .rejected
        default: self = .other(raw)
        }
    }

    public var description: String {
        switch self {
        case .ringing: return "RINGING"
        case .accepted: return "ACCEPTED"
        case .rejected: return "REJECTED"
        case let .other(s): return s.uppercased()
        }
    }
}

public struct CallStatusUpdate: Equatable, Sendable {
    public var business: BusinessContext
    public var callID: String
    public var status: CallProgress
    public var timestamp: String?
    public var recipientID: String?
}

/// Delivery state of a message we sent (`field: messages`, `statuses[]`).
public enum MessageDelivery: Equatable, Sendable, CustomStringConvertible {
    case sent, delivered, read, failed
    case other(String)

    public init(_ raw: String) {
        switch raw.lowercased() {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read": self = .read
        case "failed": self = .failed
        default: self = .other(raw)
        }
    }

    public var description: String {
        switch self {
        case .sent: return "sent"
        case .delivered: return "delivered"
        case .read: return "read"
        case .failed: return "failed"
        case let .other(s): return s.lowercased()
        }
    }
}

public struct MessageStatusUpdate: Equatable, Sendable {
    public var business: BusinessContext?
    public var messageID: String
    public var status: MessageDelivery
    public var timestamp: String?
    public var recipientID: String?
    public var errors: [WebhookError]
}

/// Something we do not act on (another field, another call event); logged and answered 200.
public struct UnknownEvent: Equatable, Sendable {
    public var field: String
    public var kind: String
    public var subjectID: String?

    public init(field: String, kind: String, subjectID: String? = nil) {
        self.field = field
        self.kind = kind
        self.subjectID = subjectID
    }
}

/// One typed event out of a webhook delivery.
public enum WebhookEvent: Equatable, Sendable {
    case connect(CallConnect)
    case terminate(CallTerminate)
    case callStatus(CallStatusUpdate)
    case messageStatus(MessageStatusUpdate)
    case permissionReply(CallPermissionReply)
    case unknown(UnknownEvent)

    /// The (subject, event) pair a redelivery repeats; nil for events not deduplicated.
    public var dedupeKey: (subject: String, event: String)? {
        switch self {
        case let .connect(c): return (c.callID, "connect")
        case let .terminate(t): return (t.callID, "terminate")
        case let .callStatus(s): return (s.callID, "status:\(s.status)")
        case let .messageStatus(m): return (m.messageID, "status:\(m.status)")
        case let .permissionReply(r): return (r.messageID, "call_permission_reply")
        case .unknown: return nil
        }
    }

    /// A short label for logs and metrics.
    public var kind: String {
        switch self {
        case .connect: return "connect"
        case .terminate: return "terminate"
        case .callStatus: return "call_status"
        case .messageStatus: return "message_status"
        case .permissionReply: return "call_permission_reply"
        case .unknown: return "unknown"
        }
    }
}
