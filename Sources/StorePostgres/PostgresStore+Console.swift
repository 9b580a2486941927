import Foundation
import PostgresNIO
import Store

/// The console's and `/v1`'s queries: the SQL of `Store+Console` with PostgreSQL's `$n` placeholders
/// (the filters come from `CallQuery.whereClause`, so both stores filter by one rule).
extension PostgresStore {
    public func callPage(_ query: CallQuery) async throws -> CallPage {
        let (whereSQL, values) = query.whereClause { "$\($0)" }
        let total = try await rows(Self.query("SELECT COUNT(*) AS n FROM calls \(whereSQL)", values)).first
            .map { try $0.value("n", as: Int.self) } ?? 0
        let calls = try await rows(Self.query("""
            SELECT calls.*, (SELECT detail FROM call_events e WHERE e.call_id = calls.id AND e.kind = 'step'
                             ORDER BY e.at DESC, e.id DESC LIMIT 1) AS last_step
            FROM calls \(whereSQL) ORDER BY received_at DESC, id DESC LIMIT \(query.limit) OFFSET \(query.offset)
            """, values)).map { CallSummary(call: try PostgresRows.call($0), lastStep: try $0.value("last_step")) }
        return CallPage(calls: calls, total: total, query: query)
    }

    public func funnelCalls(flow: String, version: String?, since: Date?, until: Date?, limit: Int) async throws
        -> [FunnelCall] {
        let q = CallQuery(since: since, until: until, flow: flow, flowVersion: version)
        let (whereSQL, values) = q.whereClause { "$\($0)" }
        let logger = self.logger
        // One transaction, so the steps read are those of the calls read.
        return try await transaction { conn in
            // The newest `limit` calls (oldest first); their steps only, so the read is bounded too.
            let newest = "SELECT id FROM calls \(whereSQL) ORDER BY received_at DESC, id DESC LIMIT \(max(1, limit))"
            let rows = try await conn.rows(Self.query("""
                SELECT id, status, end_reason, finalized_at FROM calls WHERE id IN (\(newest))
                ORDER BY received_at, id
                """, values), logger: logger)
            var calls: [FunnelCall] = []
            var index: [String: Int] = [:]
            for row in rows {
                let id: String = try row.value("id")
                let status = CallStatus(rawValue: try row.value("status")) ?? .failed
                let finalizedAt: Date? = try row.value("finalized_at")
                index[id] = calls.count
                calls.append(FunnelCall(callID: id, path: [], outcome: CallOutcomeClass.of(
                    status: status, endReason: try row.value("end_reason"), finalized: finalizedAt != nil)))
            }
            guard !calls.isEmpty else { return [] }
            let steps = try await conn.rows(Self.query("""
                SELECT e.call_id, e.kind, e.detail FROM call_events e
                WHERE e.kind IN ('step', 'exit') AND e.call_id IN (\(newest))
                ORDER BY e.call_id, e.at, e.id
                """, values), logger: logger)
            for row in steps {
                let id: String = try row.value("call_id")
                guard let i = index[id] else { continue }
                let kind: String = try row.value("kind"), detail: String = try row.value("detail")
                if kind == "step" {
                    calls[i].path.append(detail)
                } else if let e = FunnelCall.parseExit(detail) {
                    calls[i].exits.append(FunnelCall.StepExit(step: e.step, exit: e.exit))
                }
            }
            return calls
        }
    }

    public func flowVersions(flow: String) async throws -> [FlowVersionCount] {
        try await rows("""
            SELECT flow_version, COUNT(*) AS n, MAX(received_at) AS last_at FROM calls
            WHERE flow = \(flow) AND flow_version IS NOT NULL GROUP BY flow_version ORDER BY last_at DESC
            """).map { row in
            FlowVersionCount(version: try row.value("flow_version"), calls: try row.value("n"),
                             lastCallAt: try row.value("last_at"))
        }
    }

    /// `sql` (its `$n` placeholders from `CallQuery.whereClause`) with `values` bound in order.
    static func query(_ sql: String, _ values: [CallQuery.Bound]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case let .text(t): binds.append(t)
            case let .date(d): binds.append(d)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
