import Foundation
import GRDB

/// One row of `campaigns`: a list of users to call with one flow, paced (`rate`), inside a daily
/// calling window in a time zone, with retries for unanswered calls. Its rows are `scheduled_calls`
/// of origin `campaign`. `state`: running, paused, cancelled, done (every row final).
public struct CampaignRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "campaigns"

    public enum State: String, Codable, Sendable, CaseIterable {
        case running, paused, cancelled, done
    }

    public var id: String
    public var name: String?
    public var flow: String
    public var phoneNumberID: String?
    /// Calls per period, as written (`2/s`, `30/m`).
    public var rate: String
    /// The daily calling window `HH:MM-HH:MM` (nil: any time) in `timeZone`.
    public var window: String?
    /// An IANA time zone name.
    public var timeZone: String
    public var maxAttempts: Int
    /// Seconds before calling again after no answer or a decline.
    public var retryAfter: Int
    public var state: State
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String = "cmp." + UUID().uuidString.lowercased(), name: String? = nil, flow: String,
                phoneNumberID: String? = nil, rate: String, window: String? = nil, timeZone: String = "UTC",
                maxAttempts: Int = 1, retryAfter: Int = 3600, state: State = .running, createdAt: Date,
                updatedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.flow = flow
        self.phoneNumberID = phoneNumberID
        self.rate = rate
        self.window = window
        self.timeZone = timeZone
        self.maxAttempts = maxAttempts
        self.retryAfter = retryAfter
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, flow
        case phoneNumberID = "phone_number_id"
        case rate, window
        case timeZone = "time_zone"
        case maxAttempts = "max_attempts"
        case retryAfter = "retry_after"
        case state
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension CampaignRecord.State {
    /// Whether a campaign in `current` may be changed to this state: pause from running, resume (to running)
    /// from paused, cancel from running or paused; `done` only by its last row ending.
    public func changeAllowed(from current: Self) -> Bool {
        switch self {
        case .paused: current == .running
        case .running: current == .paused
        case .cancelled: current == .running || current == .paused
        case .done: false
        }
    }
}

/// How far a campaign is: its rows by state and by last result.
public struct CampaignProgress: Sendable, Equatable {
    public var byState: [String: Int]
    public var byResult: [String: Int]

    public init(byState: [String: Int] = [:], byResult: [String: Int] = [:]) {
        self.byState = byState
        self.byResult = byResult
    }

    public var total: Int { byState.values.reduce(0, +) }
    /// Rows in a final state.
    public var finished: Int {
        ScheduledCallRecord.State.allCases.filter(\.isFinal).reduce(0) { $0 + (byState[$1.rawValue] ?? 0) }
    }
}

extension Migrations {
    /// v8: campaigns (their rows are `scheduled_calls` of origin campaign).
    static func registerCampaigns(_ m: inout DatabaseMigrator) {
        m.registerMigration("v8: campaigns") { db in
            try db.create(table: "campaigns") { t in
                t.primaryKey("id", .text)
                t.column("name", .text)
                t.column("flow", .text).notNull()
                t.column("phone_number_id", .text)
                t.column("rate", .text).notNull()
                t.column("window", .text)
                t.column("time_zone", .text).notNull()
                t.column("max_attempts", .integer).notNull()
                t.column("retry_after", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "scheduled_calls_claims", on: "scheduled_calls", columns: ["state", "claimed_until"])
        }
    }
}
