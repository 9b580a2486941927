import Foundation
import GRDB

/// How a call ended, in the words of the console's outcome filter. Derived from the stored row
/// (`status`, `end_reason`, `finalized_at`), so no column is needed and the filter stays one SQL clause.
public enum CallOutcomeClass: String, Codable, Sendable, CaseIterable {
    /// The flow ran to a `hangup` step that is not a failure.
    case completed
    /// WhatsApp's `terminate` came first: the caller (or WhatsApp) ended the call.
    case callerHungUp = "caller_hung_up"
    /// The flow hung up with a failure disposition (`hangup: failed`, no valid input and no `on_failure`).
    case failed
    /// An error on our side: media failure, lost consent, set-up failure, or a crash (interrupted).
    case error
    /// Refused with `reject`.
    case rejected
    /// A call we placed that never reached the user: unanswered, declined, no permission, or held back by a
    /// limit or the unanswered guard (`notReachedReasons`).
    case notReached = "not_reached"
    /// The server drained while the call ran.
    case shutdown
    /// Not finalized yet.
    case inProgress = "in_progress"

    /// The class of one row.
    public static func of(status: CallStatus, endReason: String?, finalized: Bool) -> CallOutcomeClass {
        guard finalized else { return .inProgress }
        switch endReason {
        case "terminate": return .callerHungUp
        case "hangup": return status == .failed ? .failed : .completed
        case "rejected": return .rejected
        case "shutdown": return .shutdown
        case let reason? where notReachedReasons.contains(reason): return .notReached
        default: return status == .rejected ? .rejected : .error
        }
    }

    public static func of(_ call: CallRecord) -> CallOutcomeClass {
        of(status: call.status, endReason: call.endReason, finalized: call.finalizedAt != nil)
    }

    /// The `end_reason` codes of calls we placed that never reached the user (OutboundEnd, OutboundFailure and
    /// the permission gate's refusals); the others (a Graph error, calling disabled, an unusable answer) are errors.
    public static let notReachedReasons: Set<String> = [
        "no_answer", "declined", "permission_denied", "permission_timeout", "unanswered_guard", "call_limit",
        "permission_request_limit", "no_permission", "not_placed", "rate_limited", "daily_limit", "country_unavailable",
        "call_ongoing", "receiver_uncallable",
    ]

    private static var notReachedList: String { notReachedReasons.sorted().map { "'\($0)'" }.joined(separator: ", ") }

    /// The same rule as `of`, as a WHERE clause on `calls` (standard SQL, no arguments).
    var sqlCondition: String {
        switch self {
        case .inProgress: return "finalized_at IS NULL"
        case .callerHungUp: return "(finalized_at IS NOT NULL AND end_reason = 'terminate')"
        case .completed: return "(finalized_at IS NOT NULL AND end_reason = 'hangup' AND status <> 'failed')"
        case .failed: return "(finalized_at IS NOT NULL AND end_reason = 'hangup' AND status = 'failed')"
        case .shutdown: return "(finalized_at IS NOT NULL AND end_reason = 'shutdown')"
        case .rejected:
            return "(finalized_at IS NOT NULL AND (end_reason = 'rejected' OR (status = 'rejected' AND (end_reason IS NULL OR end_reason NOT IN ('terminate', 'hangup', 'shutdown', \(Self.notReachedList))))))"
        case .notReached:
            return "(finalized_at IS NOT NULL AND end_reason IN (\(Self.notReachedList)))"
        case .error:
            return "(finalized_at IS NOT NULL AND status <> 'rejected' AND (end_reason IS NULL OR end_reason NOT IN ('terminate', 'hangup', 'shutdown', 'rejected', \(Self.notReachedList))))"
        }
    }
}

/// The console's and `/v1/calls`' filters. Every field is optional; `limit` is clamped to 1…500.
public struct CallQuery: Sendable, Equatable {
    /// `received_at >= since`.
    public var since: Date?
    /// `received_at < until`.
    public var until: Date?
    public var flow: String?
    public var flowVersion: String?
    /// A business number (`phone_number_id`) or a caller's number, matched exactly.
    public var number: String?
    public var outcome: CallOutcomeClass?
    /// `USER_INITIATED` or `BUSINESS_INITIATED` (as stored).
    public var direction: String?
    public var limit: Int
    public var offset: Int

    public static let maxLimit = 500

    public init(since: Date? = nil, until: Date? = nil, flow: String? = nil, flowVersion: String? = nil,
                number: String? = nil, outcome: CallOutcomeClass? = nil, direction: String? = nil,
                limit: Int = 50, offset: Int = 0) {
        self.since = since
        self.until = until
        self.flow = flow
        self.flowVersion = flowVersion
        self.number = number
        self.outcome = outcome
        self.direction = direction
        self.limit = min(max(1, limit), Self.maxLimit)
        self.offset = max(0, offset)
    }

    /// A value bound to one of the WHERE clause's placeholders.
    public enum Bound: Sendable, Equatable {
        case text(String)
        case date(Date)
    }

    /// The WHERE clause (empty when nothing is filtered) and its values, one per placeholder, in order.
    /// `placeholder(n)` spells the n-th (from 1): `?` for SQLite, `$n` for PostgreSQL.
    public func whereClause(placeholder: (Int) -> String) -> (sql: String, values: [Bound]) {
        var clauses: [String] = []
        var values: [Bound] = []
        func bind(_ v: Bound) -> String {
            values.append(v)
            return placeholder(values.count)
        }
        if let since { clauses.append("received_at >= \(bind(.date(since)))") }
        if let until { clauses.append("received_at < \(bind(.date(until)))") }
        if let flow { clauses.append("flow = \(bind(.text(flow)))") }
        if let flowVersion { clauses.append("flow_version = \(bind(.text(flowVersion)))") }
        if let number { clauses.append("(phone_number_id = \(bind(.text(number))) OR caller = \(bind(.text(number))))") }
        if let direction { clauses.append("direction = \(bind(.text(direction)))") }
        if let outcome { clauses.append(outcome.sqlCondition) }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), values)
    }

    /// The WHERE clause for SQLite and its arguments.
    func whereClause() -> (sql: String, arguments: StatementArguments) {
        let (sql, values) = whereClause { _ in "?" }
        let args: [any DatabaseValueConvertible] = values.map {
            switch $0 {
            case let .text(t): return t
            case let .date(d): return d
            }
        }
        return (sql, StatementArguments(args))
    }
}

/// One page of calls and how many match in all.
public struct CallPage: Sendable, Equatable {
    public var calls: [CallSummary]
    public var total: Int
    public var query: CallQuery

    public init(calls: [CallSummary], total: Int, query: CallQuery) {
        self.calls = calls
        self.total = total
        self.query = query
    }

    public var hasNext: Bool { query.offset + calls.count < total }
    public var hasPrevious: Bool { query.offset > 0 }
}
