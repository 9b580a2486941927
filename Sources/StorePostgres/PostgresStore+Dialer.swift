import Foundation
import Logging
import PostgresNIO
import Store

/// The dialer's rows, shared by every instance (see `DialerStore`).
///
/// Claims take only rows still `pending` that no other transaction holds (`FOR UPDATE SKIP LOCKED`), so two
/// instances claiming the same due rows each get a different share and never wait on each other. Every
/// change that may close a campaign (a row ending, a campaign cancelled) locks the campaign's row first,
/// then its scheduled rows: the last of two rows ending at once on two instances sees the other's change
/// and closes the campaign, and the lock order is the same everywhere (campaigns by id, then rows).
extension PostgresStore: DialerStore {
    public func insertCampaign(_ campaign: CampaignRecord, rows: [ScheduledCallRecord]) async throws {
        let logger = self.logger
        try await transaction { conn in
            let c = campaign
            guard try await !conn.rows("""
                INSERT INTO campaigns (id, name, flow, phone_number_id, rate, "window", time_zone, max_attempts,
                  retry_after, state, created_at, updated_at)
                VALUES (\(c.id), \(c.name), \(c.flow), \(c.phoneNumberID), \(c.rate), \(c.window), \(c.timeZone),
                  \(c.maxAttempts), \(c.retryAfter), \(c.state.rawValue), \(c.createdAt), \(c.updatedAt))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).isEmpty else { throw StoreError.duplicate(table: "campaigns", id: c.id) }
            for row in rows where try await !Self.insertScheduledCall(row, on: conn, logger: logger) {
                throw StoreError.duplicate(table: "scheduled_calls", id: row.id)
            }
        }
    }

    public func campaigns() async throws -> [CampaignRecord] {
        try await rows("SELECT * FROM campaigns ORDER BY created_at DESC, id").map(Self.campaign)
    }

    public func campaign(id: String) async throws -> CampaignRecord? {
        try await rows("SELECT * FROM campaigns WHERE id = \(id)").first.map(Self.campaign)
    }

    public func campaignProgress(id: String) async throws -> CampaignProgress {
        var p = CampaignProgress()
        for r in try await rows("SELECT state, count(*) AS n FROM scheduled_calls WHERE campaign_id = \(id) GROUP BY state") {
            p.byState[try r.value("state")] = try r.value("n")
        }
        for r in try await rows("""
            SELECT last_result, count(*) AS n FROM scheduled_calls
            WHERE campaign_id = \(id) AND last_result IS NOT NULL GROUP BY last_result
            """) {
            p.byResult[try r.value("last_result")] = try r.value("n")
        }
        return p
    }

    /// Pause (from running), resume (to running, from paused), cancel (from running or paused: its rows not
    /// yet placed become `cancelled`, `campaign_cancelled`; calls under way finish).
    public func changeCampaign(id: String, to state: CampaignRecord.State, at date: Date) async throws -> CampaignChange {
        let logger = self.logger
        return try await transaction { conn in
            guard let locked = try await conn.rows("SELECT * FROM campaigns WHERE id = \(id) FOR UPDATE",
                                                   logger: logger).first else { return .notFound }
            var c = try Self.campaign(locked)
            guard state.changeAllowed(from: c.state) else { return .notAllowed(c.state) }
            c.state = state
            c.updatedAt = date
            try await conn.query("UPDATE campaigns SET state = \(state.rawValue), updated_at = \(date) WHERE id = \(id)",
                                 logger: logger)
            if state == .cancelled {
                try await conn.query("""
                    UPDATE scheduled_calls SET state = 'cancelled', last_result = 'campaign_cancelled', updated_at = \(date)
                    WHERE campaign_id = \(id) AND state IN ('pending', 'awaiting_permission')
                    """, logger: logger)
            }
            if state == .running {
                // Its last rows may have finished while it was paused: nothing else would close it then.
                let closed = try await conn.rows("""
                    UPDATE campaigns SET state = 'done' WHERE id = \(id)
                      AND NOT EXISTS (SELECT 1 FROM scheduled_calls WHERE campaign_id = \(id)
                                      AND state NOT IN ('done', 'failed', 'cancelled'))
                    RETURNING id
                    """, logger: logger)
                if !closed.isEmpty { c.state = .done }
            }
            return .changed(c)
        }
    }

    /// Pending rows due at `now` whose campaign (if any) is running, earliest first: at most `limit` of each
    /// campaign (and of the rows of no campaign), so a large campaign never starves the others.
    public func dueScheduledCalls(now: Date, limit: Int) async throws -> [ScheduledCallRecord] {
        // NULLS FIRST: SQLite's order, where a row of no campaign sorts before a campaign row due at the same time.
        try await rows("""
            SELECT * FROM (
                SELECT s.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(s.campaign_id, '')
                                               ORDER BY s.not_before, s.campaign_row NULLS FIRST, s.created_at) AS turn
                FROM scheduled_calls s LEFT JOIN campaigns c ON c.id = s.campaign_id
                WHERE s.state = 'pending' AND s.not_before <= \(now) AND (s.campaign_id IS NULL OR c.state = 'running')
            ) due
            WHERE turn <= \(limit) ORDER BY not_before, campaign_row NULLS FIRST, created_at
            """).map(Self.scheduledCall)
    }

    public func postponeScheduledCall(id: String, until: Date, at date: Date) async throws {
        _ = try await rows("""
            UPDATE scheduled_calls SET not_before = \(until), updated_at = \(date) WHERE id = \(id) AND state = 'pending'
            """)
    }

    /// Claims the rows still pending, in one statement: `placing`, `claimed_by`, `claimed_until`. A row another
    /// instance claimed first, or holds right now, is left out; the rows come back in the order of `ids`.
    public func claimScheduledCalls(ids: [String], by instance: String, until: Date, at date: Date) async throws
        -> [ScheduledCallRecord] {
        guard !ids.isEmpty else { return [] }
        let claimed = try await rows("""
            UPDATE scheduled_calls SET state = 'placing', claimed_by = \(instance), claimed_until = \(until),
              updated_at = \(date)
            WHERE state = 'pending' AND id IN (
              SELECT id FROM scheduled_calls WHERE id = ANY(\(ids)) AND state = 'pending' FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).map(Self.scheduledCall)
        let order = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return claimed.sorted { (order[$0.id] ?? 0) < (order[$1.id] ?? 0) }
    }

    /// Claims that were never placed go back to `pending`: those whose lease ran out (a dead instance), or
    /// those of `instance` (this one, stopping). Safe: a claim becomes a call only together with its
    /// `placed` state, so a row still `placing` has no call.
    public func releaseScheduledClaims(expiredBefore cutoff: Date, orClaimedBy instance: String?, at date: Date)
        async throws -> Int {
        try await rows("""
            UPDATE scheduled_calls SET state = 'pending', claimed_by = NULL, claimed_until = NULL, updated_at = \(date)
            WHERE state = 'placing' AND (claimed_until < \(cutoff) OR claimed_by = \(instance))
            RETURNING id
            """).count
    }

    /// The claimed row becomes `placed` with its call, its `calls` row (owned by this instance) and its request
    /// inserted, in one transaction; false (nothing written) when the claim is no longer this instance's.
    public func insertScheduledOutboundCall(_ request: OutboundCallRecord, row: CallRecord, scheduledID: String,
                                            claimedBy instance: String) async throws -> Bool {
        var call = row
        if call.instanceID == nil { call.instanceID = instanceID }
        let logger = self.logger
        return try await transaction { [call] conn in
            guard try await !conn.rows("""
                UPDATE scheduled_calls SET state = 'placed', call_id = \(call.id), attempts = attempts + 1,
                  phone_number_id = \(call.phoneNumberID), claimed_until = NULL, updated_at = \(request.createdAt)
                WHERE id = \(scheduledID) AND state = 'placing' AND claimed_by = \(instance)
                RETURNING id
                """, logger: logger).isEmpty else { return false }
            guard try await PostgresRows.insertCall(call, on: conn, logger: logger) else {
                throw StoreError.duplicate(table: "calls", id: call.id)
            }
            try await Self.insertOutboundRequest(request, on: conn, logger: logger)
            return true
        }
    }

    /// A claimed row that was not placed: `awaiting_permission`, `pending` (later) or `failed`.
    public func finishClaim(id: String, claimedBy instance: String, state: ScheduledCallRecord.State, lastResult: String?,
                            notBefore: Date?, phoneNumberID: String?, at date: Date) async throws -> Bool {
        let logger = self.logger
        return try await transaction { conn in
            try await Self.lockCampaign(ofRow: id, on: conn, logger: logger)
            let changed = try await conn.rows("""
                UPDATE scheduled_calls SET state = \(state.rawValue), last_result = COALESCE(\(lastResult), last_result),
                  not_before = COALESCE(\(notBefore), not_before), phone_number_id = COALESCE(\(phoneNumberID), phone_number_id),
                  claimed_by = NULL, claimed_until = NULL, updated_at = \(date)
                WHERE id = \(id) AND state = 'placing' AND claimed_by = \(instance)
                RETURNING campaign_id
                """, logger: logger)
            try await Self.closeCampaignsIfFinished(changed, on: conn, logger: logger, at: date)
            return !changed.isEmpty
        }
    }

    /// Placed rows whose call has ended (its `end_reason` is set).
    public func endedScheduledCalls(limit: Int) async throws -> [(row: ScheduledCallRecord, endReason: String)] {
        try await rows("""
            SELECT s.*, c.end_reason AS call_end_reason FROM scheduled_calls s JOIN calls c ON c.id = s.call_id
            WHERE s.state = 'placed' AND c.end_reason IS NOT NULL ORDER BY s.updated_at, s.id LIMIT \(limit)
            """).map { (try Self.scheduledCall($0), try $0.value("call_end_reason")) }
    }

    /// A placed row whose call ended becomes `done`, `failed` or `pending` again (then due at `notBefore`).
    public func settleScheduledCall(id: String, callID: String, state: ScheduledCallRecord.State, lastResult: String,
                                    notBefore: Date?, giveBackAttempt: Bool, at date: Date) async throws -> Bool {
        let logger = self.logger
        let giveBack = giveBackAttempt ? 1 : 0
        return try await transaction { conn in
            try await Self.lockCampaign(ofRow: id, on: conn, logger: logger)
            let changed = try await conn.rows("""
                UPDATE scheduled_calls SET state = \(state.rawValue), last_result = \(lastResult),
                  not_before = COALESCE(\(notBefore), not_before), attempts = attempts - \(giveBack),
                  claimed_by = NULL, claimed_until = NULL, updated_at = \(date)
                WHERE id = \(id) AND state = 'placed' AND call_id = \(callID)
                RETURNING campaign_id
                """, logger: logger)
            try await Self.closeCampaignsIfFinished(changed, on: conn, logger: logger, at: date)
            return !changed.isEmpty
        }
    }

    /// The user's reply reaches their rows waiting on it: a grant makes them due now, a refusal cancels them
    /// (`permission_refused`). Returns the rows changed.
    public func resolveAwaitingPermission(phoneNumberID: String, user: String, granted: Bool, at date: Date)
        async throws -> Int {
        guard !granted else {
            return try await rows("""
                UPDATE scheduled_calls SET state = 'pending', not_before = \(date), last_result = 'permission_granted',
                  updated_at = \(date)
                WHERE state = 'awaiting_permission' AND recipient = \(user)
                  AND (phone_number_id = \(phoneNumberID) OR phone_number_id IS NULL)
                RETURNING id
                """).count
        }
        return try await cancelAwaiting(user: user, phoneNumberID: phoneNumberID, before: nil,
                                        result: "permission_refused", at: date)
    }

    /// Rows whose permission request got no reply since `cutoff` are cancelled (`permission_timeout`).
    public func expireAwaitingPermission(requestedBefore cutoff: Date, at date: Date) async throws -> Int {
        try await cancelAwaiting(user: nil, phoneNumberID: nil, before: cutoff, result: "permission_timeout", at: date)
    }

    /// Cancels the rows awaiting permission (of `user` on `phoneNumberID`, or waiting since before `before`)
    /// and closes the campaigns then finished, their campaigns locked first (by id). A row that started
    /// waiting in a campaign not yet locked, between the two statements, is taken by one more round.
    private func cancelAwaiting(user: String?, phoneNumberID: String?, before: Date?, result: String, at date: Date)
        async throws -> Int {
        let logger = self.logger
        return try await transaction { conn in
            var locked: [String] = [], fresh: [String] = [], total = 0
            repeat {
                fresh = try await conn.rows("""
                    SELECT id FROM campaigns WHERE id IN (
                      SELECT campaign_id FROM scheduled_calls
                      WHERE state = 'awaiting_permission' AND (\(user)::text IS NULL OR recipient = \(user))
                        AND (\(phoneNumberID)::text IS NULL OR phone_number_id = \(phoneNumberID) OR phone_number_id IS NULL)
                        AND (\(before)::timestamptz IS NULL OR updated_at < \(before)))
                    ORDER BY id FOR UPDATE
                    """, logger: logger).map { try $0.value("id", as: String.self) }.filter { !locked.contains($0) }
                locked += fresh
                let changed = try await conn.rows("""
                    UPDATE scheduled_calls SET state = 'cancelled', last_result = \(result), updated_at = \(date)
                    WHERE state = 'awaiting_permission' AND (\(user)::text IS NULL OR recipient = \(user))
                      AND (\(phoneNumberID)::text IS NULL OR phone_number_id = \(phoneNumberID) OR phone_number_id IS NULL)
                      AND (\(before)::timestamptz IS NULL OR updated_at < \(before))
                      AND (campaign_id IS NULL OR campaign_id = ANY(\(locked)))
                    RETURNING campaign_id
                    """, logger: logger)
                total += changed.count
                try await Self.closeCampaignsIfFinished(changed, on: conn, logger: logger, at: date)
            } while !fresh.isEmpty
            return total
        }
    }

    /// Locks the campaign of the row `id` (none for a row of no campaign) before the row changes.
    static func lockCampaign(ofRow id: String, on conn: PostgresConnection, logger: Logger) async throws {
        try await conn.query("""
            SELECT id FROM campaigns WHERE id = (SELECT campaign_id FROM scheduled_calls WHERE id = \(id)) FOR UPDATE
            """, logger: logger)
    }

    /// The running campaigns of the changed rows (`campaign_id` of each, locked by the caller) whose rows are
    /// all final become `done`.
    static func closeCampaignsIfFinished(_ changed: [PostgresRandomAccessRow], on conn: PostgresConnection,
                                         logger: Logger, at date: Date) async throws {
        let ids = Set(try changed.compactMap { try $0.value("campaign_id", as: String?.self) })
        for id in ids.sorted() {
            try await conn.query("""
                UPDATE campaigns SET state = 'done', updated_at = \(date)
                WHERE id = \(id) AND state = 'running'
                  AND NOT EXISTS (SELECT 1 FROM scheduled_calls WHERE campaign_id = \(id)
                                  AND state NOT IN ('done', 'failed', 'cancelled'))
                """, logger: logger)
        }
    }

    static func campaign(_ r: PostgresRandomAccessRow) throws -> CampaignRecord {
        CampaignRecord(id: try r.value("id"), name: try r.value("name"), flow: try r.value("flow"),
                       phoneNumberID: try r.value("phone_number_id"), rate: try r.value("rate"),
                       window: try r.value("window"), timeZone: try r.value("time_zone"),
                       maxAttempts: try r.value("max_attempts"), retryAfter: try r.value("retry_after"),
                       state: try r.raw("state", table: "campaigns"), createdAt: try r.value("created_at"),
                       updatedAt: try r.value("updated_at"))
    }
}
