import Foundation
import GRDB

/// A flow version that calls ran, with how many and when the last one came.
public struct FlowVersionCount: Sendable, Equatable, Codable {
    public var version: String
    public var calls: Int
    public var lastCallAt: Date?

    public init(version: String, calls: Int, lastCallAt: Date?) {
        self.version = version
        self.calls = calls
        self.lastCallAt = lastCallAt
    }

    enum CodingKeys: String, CodingKey {
        case version, calls
        case lastCallAt = "last_call_at"
    }
}

/// The console's and `/v1`'s queries: read-only, standard SQL (they run on SQLite and PostgreSQL alike).
extension Store {
    /// The calls matching `query`, newest first, one page, each with its last step, and the total.
    public func callPage(_ query: CallQuery) async throws -> CallPage {
        try await writer.read { db in
            let (whereSQL, args) = query.whereClause()
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM calls \(whereSQL)", arguments: args) ?? 0
            let sql = """
                SELECT calls.*, (SELECT detail FROM call_events e WHERE e.call_id = calls.id AND e.kind = 'step'
                                 ORDER BY e.at DESC, e.id DESC LIMIT 1) AS last_step
                FROM calls \(whereSQL) ORDER BY received_at DESC, id DESC LIMIT \(query.limit) OFFSET \(query.offset)
                """
            let calls = try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                CallSummary(call: try CallRecord(row: row), lastStep: row["last_step"])
            }
            return CallPage(calls: calls, total: total, query: query)
        }
    }

    /// The calls of a flow (optionally one version, a time range) as the funnel reads them: each call's
    /// steps from its `step` events (so calls still running count too), and how it ended.
    public func funnelCalls(flow: String, version: String?, since: Date?, until: Date?, limit: Int) async throws
        -> [FunnelCall] {
        try await writer.read { db in
            let q = CallQuery(since: since, until: until, flow: flow, flowVersion: version)
            let (whereSQL, args) = q.whereClause()
            // The newest `limit` calls (oldest first); their steps only, so the read is bounded too.
            let newest = "SELECT id FROM calls \(whereSQL) ORDER BY received_at DESC, id DESC LIMIT \(max(1, limit))"
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, status, end_reason, finalized_at FROM calls WHERE id IN (\(newest))
                ORDER BY received_at, id
                """, arguments: args)
            var calls: [FunnelCall] = []
            var index: [String: Int] = [:]
            for row in rows {
                let id: String = row["id"]
                let status = CallStatus(rawValue: row["status"] ?? "") ?? .failed
                let finalizedAt: Date? = row["finalized_at"]
                index[id] = calls.count
                calls.append(FunnelCall(callID: id, path: [], outcome: CallOutcomeClass.of(
                    status: status, endReason: row["end_reason"], finalized: finalizedAt != nil)))
            }
            guard !calls.isEmpty else { return [] }
            let steps = try Row.fetchAll(db, sql: """
                SELECT e.call_id, e.kind, e.detail FROM call_events e
                WHERE e.kind IN ('step', 'exit') AND e.call_id IN (\(newest))
                ORDER BY e.call_id, e.at, e.id
                """, arguments: args)
            for row in steps {
                let id: String = row["call_id"]
                guard let i = index[id] else { continue }
                let kind: String = row["kind"], detail: String = row["detail"]
                if kind == "step" {
                    calls[i].path.append(detail)
                } else if let e = FunnelCall.parseExit(detail) {
                    calls[i].exits.append(FunnelCall.StepExit(step: e.step, exit: e.exit))
                }
            }
            return calls
        }
    }

    /// The versions of a flow that calls ran, the most recently used first.
    public func flowVersions(flow: String) async throws -> [FlowVersionCount] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT flow_version, COUNT(*) AS n, MAX(received_at) AS last_at FROM calls
                WHERE flow = ? AND flow_version IS NOT NULL GROUP BY flow_version ORDER BY last_at DESC
                """, arguments: [flow]).map { row in
                FlowVersionCount(version: row["flow_version"], calls: row["n"], lastCallAt: row["last_at"])
            }
        }
    }
}
