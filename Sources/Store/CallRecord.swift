import Foundation
import GRDB

/// One row of `calls`: a WhatsApp call as the server saw it.
public struct CallRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "calls"

    public var id: String
    public var phoneNumberID: String
    /// The caller's wa_id (or BSUID for username users). Stored in full; masked in logs.
    public var caller: String
    public var direction: String
    public var flow: String?
    public var status: CallStatus
    public var reason: String?
    public var receivedAt: Date
    public var connectedAt: Date?
    public var endedAt: Date?
    public var durationSeconds: Int?
    public var updatedAt: Date

    public init(id: String, phoneNumberID: String, caller: String, direction: String = "USER_INITIATED",
                flow: String? = nil, status: CallStatus, reason: String? = nil, receivedAt: Date,
                connectedAt: Date? = nil, endedAt: Date? = nil, durationSeconds: Int? = nil, updatedAt: Date? = nil) {
        self.id = id
        self.phoneNumberID = phoneNumberID
        self.caller = caller
        self.direction = direction
        self.flow = flow
        self.status = status
        self.reason = reason
        self.receivedAt = receivedAt
        self.connectedAt = connectedAt
        self.endedAt = endedAt
        self.durationSeconds = durationSeconds
        self.updatedAt = updatedAt ?? receivedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumberID = "phone_number_id"
        case caller, direction, flow, status, reason
        case receivedAt = "received_at"
        case connectedAt = "connected_at"
        case endedAt = "ended_at"
        case durationSeconds = "duration_seconds"
        case updatedAt = "updated_at"
    }
}

/// Where a call stands. Stored as lowercase text.
public enum CallStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// `connect` received, not yet answered.
    case received
    /// Refused through the `reject` action.
    case rejected
    /// `pre_accept` sent.
    case preAccepted = "pre_accepted"
    /// `accept` sent and acknowledged.
    case accepted
    /// Ended normally (terminate webhook with COMPLETED).
    case completed
    /// Ended with a failure (terminate FAILED, or we could not answer).
    case failed
}
