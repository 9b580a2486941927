import Foundation
import GRDB

/// One row of `calls`: a WhatsApp call as the server saw it.
public struct CallRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
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

    // Outcome (migration v2). Filled while the call runs and when it is finalized.
    /// When the outcome was committed; set once, by whichever end (terminate webhook or our hang-up) came first.
    public var finalizedAt: Date?
    /// Who ended the call: `terminate` (WhatsApp's webhook), `hangup`, `media_failure`, `consent_lost`, …
    public var endReason: String?
    /// Hash of the flow definition that ran.
    public var flowVersion: String?
    /// Step names in the order visited (JSON array).
    public var pathJSON: String?
    /// Caller inputs (keys, keywords) in order (JSON array of strings).
    public var inputsJSON: String?
    /// Flow variables (JSON object), with the fields the flow lists under `redact:` already masked.
    public var variablesJSON: String?
    /// WhatsApp's `terminate` status as sent (COMPLETED, FAILED, …).
    public var waStatus: String?
    public var waStartTime: Date?
    public var waEndTime: Date?
    /// Our set-up timings, from the connect webhook (`received_at`), in milliseconds.
    public var setupPreAcceptMs: Int?
    public var setupConnectedMs: Int?
    public var setupFirstAudioMs: Int?
    /// Error codes from WhatsApp and from our side, comma-separated.
    public var errorCodes: String?
    /// `none`, or the state of the call's follow-up messages (`pending`, `sent`, `delivered`, `read`, `failed`).
    public var followupStatus: String?
    /// `granted` or `declined`: the caller's last answer to a `record:` step's consent announcement (migration v4).
    public var recordingConsent: String?
    /// The instance that owns the call (holds its media), when several share a PostgreSQL store (migration v5).
    public var instanceID: String?

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
        case finalizedAt = "finalized_at"
        case endReason = "end_reason"
        case flowVersion = "flow_version"
        case pathJSON = "path_json"
        case inputsJSON = "inputs_json"
        case variablesJSON = "variables_json"
        case waStatus = "wa_status"
        case waStartTime = "wa_start_time"
        case waEndTime = "wa_end_time"
        case setupPreAcceptMs = "setup_pre_accept_ms"
        case setupConnectedMs = "setup_connected_ms"
        case setupFirstAudioMs = "setup_first_audio_ms"
        case errorCodes = "error_codes"
        case followupStatus = "followup_status"
        case recordingConsent = "recording_consent"
        case instanceID = "instance_id"
    }

    /// The JSON array columns decoded (empty when absent or unreadable).
    public var path: [String] { Self.strings(pathJSON) }
    public var inputs: [String] { Self.strings(inputsJSON) }
    /// The (already redacted) variables.
    public var variables: [String: String] {
        guard let data = variablesJSON?.data(using: .utf8),
              let v = try? JSONDecoder().decode([String: String].self, from: data) else { return [:] }
        return v
    }

    static func strings(_ json: String?) -> [String] {
        guard let data = json?.data(using: .utf8), let v = try? JSONDecoder().decode([String].self, from: data) else {
            return []
        }
        return v
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
