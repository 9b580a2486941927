import Foundation
import GRDB

/// One row of `outbox`: a follow-up message to send after a call. Unique per (call id, rule key), so a
/// redelivered webhook or a second finalization can never enqueue it twice.
public struct OutboxMessage: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord, StoreRecord {
    public static let databaseTableName = "outbox"

    public var id: Int64?
    public var callID: String
    public var ruleKey: String
    public var phoneNumberID: String
    /// The recipient's wa_id, in full (needed to send); masked wherever it is shown.
    public var recipient: String
    /// The message, as the WhatsApp module's `OutboundMessage` encodes it.
    public var messageJSON: String
    public var status: OutboxStatus
    public var attempts: Int
    public var createdAt: Date
    /// Start of the retry window (`outbox.max_age_seconds` counts from here); `retry` moves it to now.
    public var enqueuedAt: Date
    public var nextAttemptAt: Date
    public var lastAttemptAt: Date?
    public var wamid: String?
    public var errorCode: Int?
    public var errorDetail: String?
    public var updatedAt: Date

    public init(id: Int64? = nil, callID: String, ruleKey: String, phoneNumberID: String, recipient: String,
                messageJSON: String, status: OutboxStatus = .pending, attempts: Int = 0, createdAt: Date,
                enqueuedAt: Date? = nil, nextAttemptAt: Date? = nil, lastAttemptAt: Date? = nil, wamid: String? = nil,
                errorCode: Int? = nil, errorDetail: String? = nil, updatedAt: Date? = nil) {
        self.id = id
        self.callID = callID
        self.ruleKey = ruleKey
        self.phoneNumberID = phoneNumberID
        self.recipient = recipient
        self.messageJSON = messageJSON
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.enqueuedAt = enqueuedAt ?? createdAt
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastAttemptAt = lastAttemptAt
        self.wamid = wamid
        self.errorCode = errorCode
        self.errorDetail = errorDetail
        self.updatedAt = updatedAt ?? createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id
        case callID = "call_id"
        case ruleKey = "rule_key"
        case phoneNumberID = "phone_number_id"
        case recipient
        case messageJSON = "message_json"
        case status, attempts
        case createdAt = "created_at"
        case enqueuedAt = "enqueued_at"
        case nextAttemptAt = "next_attempt_at"
        case lastAttemptAt = "last_attempt_at"
        case wamid
        case errorCode = "error_code"
        case errorDetail = "error_detail"
        case updatedAt = "updated_at"
    }
}

/// Where an outbox message stands. Stored as lowercase text.
public enum OutboxStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Waiting for its first attempt or a retry (`next_attempt_at`).
    case pending
    /// An attempt is in flight. Found at start-up, it means the process died mid-request: it is retried.
    case sending
    /// Accepted by the API (`wamid` stored); later statuses come from webhooks.
    case sent, delivered, read
    /// Refused (other 4xx), too old to retry, or reported failed by a status webhook.
    case failed

    /// Order of the delivery statuses, so a late `delivered` never overwrites `read`.
    var deliveryRank: Int {
        switch self {
        case .pending, .sending: return 0
        case .sent: return 1
        case .delivered: return 2
        case .read: return 3
        case .failed: return 4
        }
    }
}

/// A message the planner wants sent, before it has a row; or (`scheduledCall` set) a call to place later,
/// which `finalizeCall` inserts into `scheduled_calls` in the same transaction instead of the outbox.
public struct OutboxDraft: Sendable, Equatable {
    public var ruleKey: String
    public var recipient: String
    public var messageJSON: String
    public var scheduledCall: ScheduledCallRecord?

    public init(ruleKey: String, recipient: String, messageJSON: String) {
        self.ruleKey = ruleKey
        self.recipient = recipient
        self.messageJSON = messageJSON
    }

    /// A call-back (`origin` callback): a `scheduled_calls` row, at most one per `dedupe_key`.
    public init(scheduledCall: ScheduledCallRecord) {
        self.ruleKey = "callback"
        self.recipient = scheduledCall.recipient
        self.messageJSON = ""
        self.scheduledCall = scheduledCall
    }
}

/// The outbox's state changes, the same on every store (each store saves the row it changed).
extension OutboxMessage {
    /// The API accepted the message.
    public mutating func markSent(wamid: String) {
        status = .sent
        self.wamid = wamid
        errorCode = nil
        errorDetail = nil
    }

    /// A retryable failure: back to `pending` until `next`, the error kept for listings.
    public mutating func markRetry(at next: Date, errorCode: Int?, detail: String) {
        status = .pending
        nextAttemptAt = next
        self.errorCode = errorCode
        errorDetail = detail
    }

    /// A final failure, with the API's error code and details.
    public mutating func markFailed(errorCode: Int?, detail: String) {
        status = .failed
        self.errorCode = errorCode
        errorDetail = detail
    }
}
