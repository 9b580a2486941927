import Foundation
import GRDB

/// One row of `scheduled_calls`: a call we will place later. A flow's `schedule_call` step, a `callback`
/// follow-up and every campaign row are one of these; the dialer places them when due.
///
/// Life of a row (`state`):
/// - `awaiting_permission`: a callback; the permission request is sent and the row waits for the user's
///   `call_permission_reply` (a grant makes it `pending` and due at once; a refusal makes it `cancelled`);
/// - `pending`: to be placed at `not_before` or later;
/// - `placing`: claimed by one instance (`claimed_by` until `claimed_until`), its call being placed;
/// - `placed`: the call `call_id` is running; its final row decides `done`, a retry (`pending` again, later)
///   or `failed`;
/// - `done`, `failed`, `cancelled`: final.
public struct ScheduledCallRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "scheduled_calls"

    public enum State: String, Codable, Sendable, CaseIterable {
        case awaitingPermission = "awaiting_permission"
        case pending, placing, placed, done, failed, cancelled

        public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
    }

    /// What asked for the call.
    public enum Origin: String, Codable, Sendable, CaseIterable {
        /// A flow's `schedule_call` step (`origin_call_id` is the call that ran it).
        case step
        /// A `callback` follow-up after the call `origin_call_id` ended unresolved.
        case callback
        /// A campaign row (`campaign_id`, `campaign_row`).
        case campaign
        /// `POST /v1/calls` with a time, or `ivrd call --at`.
        case api
    }

    public var id: String
    /// The business number to call from; nil: chosen when placed (the flow's first number, else
    /// `outbound.phone_number_id`).
    public var phoneNumberID: String?
    /// The user's WhatsApp number, digits only.
    public var recipient: String
    public var flow: String
    /// The flow's starting variables, a JSON object of strings.
    public var variablesJSON: String?
    public var bizOpaqueCallbackData: String?
    public var origin: Origin
    public var originCallID: String?
    public var campaignID: String?
    public var campaignRow: Int?
    /// At most one row per key (a redelivered webhook or a replayed step schedules once).
    public var dedupeKey: String?
    /// Not placed before this time.
    public var notBefore: Date
    public var state: State
    /// Calls placed for this row so far.
    public var attempts: Int
    /// The last call placed for it (a `calls.id`).
    public var callID: String?
    /// Why the last attempt ended, or why the row was refused or cancelled (an end reason or refusal code).
    public var lastResult: String?
    public var claimedBy: String?
    public var claimedUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String = "sch." + UUID().uuidString.lowercased(), phoneNumberID: String? = nil, recipient: String,
                flow: String, variablesJSON: String? = nil, bizOpaqueCallbackData: String? = nil, origin: Origin,
                originCallID: String? = nil, campaignID: String? = nil, campaignRow: Int? = nil,
                dedupeKey: String? = nil, notBefore: Date, state: State = .pending, attempts: Int = 0,
                callID: String? = nil, lastResult: String? = nil, claimedBy: String? = nil, claimedUntil: Date? = nil,
                createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.phoneNumberID = phoneNumberID
        self.recipient = recipient
        self.flow = flow
        self.variablesJSON = variablesJSON
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.origin = origin
        self.originCallID = originCallID
        self.campaignID = campaignID
        self.campaignRow = campaignRow
        self.dedupeKey = dedupeKey
        self.notBefore = notBefore
        self.state = state
        self.attempts = attempts
        self.callID = callID
        self.lastResult = lastResult
        self.claimedBy = claimedBy
        self.claimedUntil = claimedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumberID = "phone_number_id"
        case recipient, flow
        case variablesJSON = "variables_json"
        case bizOpaqueCallbackData = "biz_opaque_callback_data"
        case origin
        case originCallID = "origin_call_id"
        case campaignID = "campaign_id"
        case campaignRow = "campaign_row"
        case dedupeKey = "dedupe_key"
        case notBefore = "not_before"
        case state, attempts
        case callID = "call_id"
        case lastResult = "last_result"
        case claimedBy = "claimed_by"
        case claimedUntil = "claimed_until"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// Calls to place later, as the store keeps them. Both stores have it (SQLite v7, PostgreSQL pg3).
public protocol ScheduledCallStore: Sendable {
    /// Records a call to place later. False when a row with the same `dedupe_key` exists (nothing changes).
    func insertScheduledCall(_ row: ScheduledCallRecord) async throws -> Bool
    func scheduledCall(id: String) async throws -> ScheduledCallRecord?
}

extension Store: ScheduledCallStore {
    public func insertScheduledCall(_ row: ScheduledCallRecord) async throws -> Bool {
        try await write { db in try Self.insertScheduledCall(row, db) }
    }

    /// The insert inside a caller's transaction (the outcome's, for a callback follow-up).
    public static func insertScheduledCall(_ row: ScheduledCallRecord, _ db: Database) throws -> Bool {
        try row.insert(db, onConflict: .ignore)
        return db.changesCount > 0
    }

    public func scheduledCall(id: String) async throws -> ScheduledCallRecord? {
        try await writer.read { db in try ScheduledCallRecord.fetchOne(db, key: id) }
    }
}

extension Migrations {
    /// v7: calls to place later (schedule_call steps, callback follow-ups, campaign rows).
    static func registerScheduledCalls(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7: scheduled calls") { db in
            try db.create(table: "scheduled_calls") { t in
                t.primaryKey("id", .text)
                t.column("phone_number_id", .text)
                t.column("recipient", .text).notNull()
                t.column("flow", .text).notNull()
                t.column("variables_json", .text)
                t.column("biz_opaque_callback_data", .text)
                t.column("origin", .text).notNull()
                t.column("origin_call_id", .text)
                t.column("campaign_id", .text)
                t.column("campaign_row", .integer)
                t.column("dedupe_key", .text).unique()
                t.column("not_before", .datetime).notNull()
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("call_id", .text)
                t.column("last_result", .text)
                t.column("claimed_by", .text)
                t.column("claimed_until", .datetime)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "scheduled_calls_due", on: "scheduled_calls", columns: ["state", "not_before"])
            try db.create(index: "scheduled_calls_user", on: "scheduled_calls", columns: ["recipient", "state"])
            try db.create(index: "scheduled_calls_campaign", on: "scheduled_calls", columns: ["campaign_id", "campaign_row"],
                          unique: true)
        }
    }
}
