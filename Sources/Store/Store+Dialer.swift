import Foundation
import GRDB

/// What a campaign change did.
public enum CampaignChange: Sendable, Equatable {
    case changed(CampaignRecord)
    case notFound
    /// The campaign is in a state the change does not apply to.
    case notAllowed(CampaignRecord.State)
}

/// What the dialer needs from the store: campaigns, due rows, atomic claims (`placing`, `claimed_by`,
/// `claimed_until`), the claim turned into a placed call in one transaction, and the rows' end states.
/// Both stores have it: the SQLite `Store` (migration v8) and `PostgresStore` (migration pg4, where several
/// instances claim rows at once: a row is claimed by one of them only).
public protocol DialerStore: ScheduledCallStore {
    func insertCampaign(_ campaign: CampaignRecord, rows: [ScheduledCallRecord]) async throws
    func campaigns() async throws -> [CampaignRecord]
    func campaign(id: String) async throws -> CampaignRecord?
    func campaignProgress(id: String) async throws -> CampaignProgress
    func changeCampaign(id: String, to state: CampaignRecord.State, at date: Date) async throws -> CampaignChange
    func dueScheduledCalls(now: Date, limit: Int) async throws -> [ScheduledCallRecord]
    func postponeScheduledCall(id: String, until: Date, at date: Date) async throws
    func claimScheduledCalls(ids: [String], by instance: String, until: Date, at date: Date) async throws
        -> [ScheduledCallRecord]
    func releaseScheduledClaims(expiredBefore cutoff: Date, orClaimedBy instance: String?, at date: Date) async throws -> Int
    func insertScheduledOutboundCall(_ request: OutboundCallRecord, row: CallRecord, scheduledID: String,
                                     claimedBy instance: String) async throws -> Bool
    func finishClaim(id: String, claimedBy instance: String, state: ScheduledCallRecord.State, lastResult: String?,
                     notBefore: Date?, phoneNumberID: String?, at date: Date) async throws -> Bool
    func endedScheduledCalls(limit: Int) async throws -> [(row: ScheduledCallRecord, endReason: String)]
    func settleScheduledCall(id: String, callID: String, state: ScheduledCallRecord.State, lastResult: String,
                             notBefore: Date?, giveBackAttempt: Bool, at date: Date) async throws -> Bool
    func resolveAwaitingPermission(phoneNumberID: String, user: String, granted: Bool, at date: Date) async throws -> Int
    func expireAwaitingPermission(requestedBefore cutoff: Date, at date: Date) async throws -> Int
}

extension Store: DialerStore {
    public func insertCampaign(_ campaign: CampaignRecord, rows: [ScheduledCallRecord]) async throws {
        try await write { db in
            try campaign.insert(db)
            for row in rows { try row.insert(db) }
        }
    }

    public func campaigns() async throws -> [CampaignRecord] {
        try await writer.read { db in
            try CampaignRecord.order(Column("created_at").desc, Column("id")).fetchAll(db)
        }
    }

    public func campaign(id: String) async throws -> CampaignRecord? {
        try await writer.read { db in try CampaignRecord.fetchOne(db, key: id) }
    }

    public func campaignProgress(id: String) async throws -> CampaignProgress {
        try await writer.read { db in
            var p = CampaignProgress()
            for row in try Row.fetchAll(db, sql: """
                SELECT state, COUNT(*) AS n FROM scheduled_calls WHERE campaign_id = ? GROUP BY state
                """, arguments: [id]) {
                p.byState[row["state"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT last_result, COUNT(*) AS n FROM scheduled_calls
                WHERE campaign_id = ? AND last_result IS NOT NULL GROUP BY last_result
                """, arguments: [id]) {
                p.byResult[row["last_result"]] = row["n"]
            }
            return p
        }
    }

    /// Pause (from running), resume (to running, from paused), cancel (from running or paused: its
    /// rows not yet placed become `cancelled`, `campaign_cancelled`; calls under way finish).
    public func changeCampaign(id: String, to state: CampaignRecord.State, at date: Date) async throws -> CampaignChange {
        try await write { db in
            guard var c = try CampaignRecord.fetchOne(db, key: id) else { return .notFound }
            guard state.changeAllowed(from: c.state) else { return .notAllowed(c.state) }
            c.state = state
            c.updatedAt = date
            try c.update(db)
            if state == .cancelled {
                try db.execute(sql: """
                    UPDATE scheduled_calls SET state = 'cancelled', last_result = 'campaign_cancelled', updated_at = ?
                    WHERE campaign_id = ? AND state IN ('pending', 'awaiting_permission')
                    """, arguments: [date, id])
            }
            if state == .running {
                // Its last rows may have finished while it was paused (calls in flight when it was paused):
                // nothing else would close it then.
                let open = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM scheduled_calls WHERE campaign_id = ? AND state NOT IN ('done', 'failed', 'cancelled')
                    """, arguments: [id]) ?? 0
                if open == 0 {
                    c.state = .done
                    try c.update(db)
                }
            }
            return .changed(c)
        }
    }

    /// Pending rows due at `now` whose campaign (if any) is running, earliest first: at most `limit` of
    /// each campaign (and of the rows of no campaign), so a large campaign never starves the others.
    public func dueScheduledCalls(now: Date, limit: Int) async throws -> [ScheduledCallRecord] {
        try await writer.read { db in
            try ScheduledCallRecord.fetchAll(db, sql: """
                SELECT * FROM (
                    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(s.campaign_id, '')
                                                   ORDER BY s.not_before, s.campaign_row, s.created_at) AS turn
                    FROM scheduled_calls s LEFT JOIN campaigns c ON c.id = s.campaign_id
                    WHERE s.state = 'pending' AND s.not_before <= ? AND (s.campaign_id IS NULL OR c.state = 'running'))
                WHERE turn <= ? ORDER BY not_before, campaign_row, created_at
                """, arguments: [now, limit])
        }
    }

    public func postponeScheduledCall(id: String, until: Date, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE scheduled_calls SET not_before = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                           arguments: [until, date, id])
        }
    }

    /// Claims the rows still pending, in one transaction: `placing`, `claimed_by`, `claimed_until`.
    /// Returns the rows claimed (a row another instance took first is left out).
    public func claimScheduledCalls(ids: [String], by instance: String, until: Date, at date: Date) async throws
        -> [ScheduledCallRecord] {
        try await write { db in
            var claimed: [ScheduledCallRecord] = []
            for id in ids {
                try db.execute(sql: """
                    UPDATE scheduled_calls SET state = 'placing', claimed_by = ?, claimed_until = ?, updated_at = ?
                    WHERE id = ? AND state = 'pending'
                    """, arguments: [instance, until, date, id])
                if db.changesCount > 0, let row = try ScheduledCallRecord.fetchOne(db, key: id) { claimed.append(row) }
            }
            return claimed
        }
    }

    /// Claims that were never placed go back to `pending`: those whose lease ran out (a dead instance),
    /// or those of `instance` (this one, stopping). Safe: a claim becomes a call only together with
    /// its `placed` state, so a row still `placing` has no call.
    public func releaseScheduledClaims(expiredBefore cutoff: Date, orClaimedBy instance: String?, at date: Date)
        async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE scheduled_calls SET state = 'pending', claimed_by = NULL, claimed_until = NULL, updated_at = ?
                WHERE state = 'placing' AND (claimed_until < ? OR claimed_by = ?)
                """, arguments: [date, cutoff, instance])
            return db.changesCount
        }
    }

    /// The claimed row becomes `placed` with its call, its `calls` row and its request inserted, in one
    /// transaction; false (nothing written) when the claim is no longer this instance's.
    public func insertScheduledOutboundCall(_ request: OutboundCallRecord, row: CallRecord, scheduledID: String,
                                            claimedBy instance: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE scheduled_calls SET state = 'placed', call_id = ?, attempts = attempts + 1, phone_number_id = ?,
                    claimed_until = NULL, updated_at = ?
                WHERE id = ? AND state = 'placing' AND claimed_by = ?
                """, arguments: [row.id, row.phoneNumberID, request.createdAt, scheduledID, instance])
            guard db.changesCount > 0 else { return false }
            try row.insert(db)
            try request.insert(db)
            return true
        }
    }

    /// A claimed row that was not placed: `awaiting_permission`, `pending` (later) or `failed`.
    public func finishClaim(id: String, claimedBy instance: String, state: ScheduledCallRecord.State, lastResult: String?,
                            notBefore: Date?, phoneNumberID: String?, at date: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE scheduled_calls SET state = ?, last_result = COALESCE(?, last_result),
                    not_before = COALESCE(?, not_before), phone_number_id = COALESCE(?, phone_number_id),
                    claimed_by = NULL, claimed_until = NULL, updated_at = ?
                WHERE id = ? AND state = 'placing' AND claimed_by = ?
                """, arguments: [state.rawValue, lastResult, notBefore, phoneNumberID, date, id, instance])
            let changed = db.changesCount > 0
            if changed { try Self.closeCampaignIfFinished(rowID: id, db, at: date) }
            return changed
        }
    }

    /// Placed rows whose call has ended (its `end_reason` is set).
    public func endedScheduledCalls(limit: Int) async throws -> [(row: ScheduledCallRecord, endReason: String)] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.*, c.end_reason AS call_end_reason FROM scheduled_calls s JOIN calls c ON c.id = s.call_id
                WHERE s.state = 'placed' AND c.end_reason IS NOT NULL LIMIT ?
                """, arguments: [limit]).map { (try ScheduledCallRecord(row: $0), $0["call_end_reason"]) }
        }
    }

    /// A placed row whose call ended becomes `done`, `failed` or `pending` again (then due at `notBefore`).
    public func settleScheduledCall(id: String, callID: String, state: ScheduledCallRecord.State, lastResult: String,
                                    notBefore: Date?, giveBackAttempt: Bool, at date: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE scheduled_calls SET state = ?, last_result = ?, not_before = COALESCE(?, not_before),
                    attempts = attempts - ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?
                WHERE id = ? AND state = 'placed' AND call_id = ?
                """, arguments: [state.rawValue, lastResult, notBefore, giveBackAttempt ? 1 : 0, date, id, callID])
            let changed = db.changesCount > 0
            if changed { try Self.closeCampaignIfFinished(rowID: id, db, at: date) }
            return changed
        }
    }

    /// The user's reply reaches their rows waiting on it: a grant makes them due now, a refusal cancels
    /// them (`permission_refused`). Returns the rows changed.
    public func resolveAwaitingPermission(phoneNumberID: String, user: String, granted: Bool, at date: Date)
        async throws -> Int {
        try await write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM scheduled_calls WHERE state = 'awaiting_permission' AND recipient = ?
                    AND (phone_number_id = ? OR phone_number_id IS NULL)
                """, arguments: [user, phoneNumberID])
            for id in ids {
                if granted {
                    try db.execute(sql: """
                        UPDATE scheduled_calls SET state = 'pending', not_before = ?, last_result = 'permission_granted',
                            updated_at = ? WHERE id = ?
                        """, arguments: [date, date, id])
                } else {
                    try db.execute(sql: """
                        UPDATE scheduled_calls SET state = 'cancelled', last_result = 'permission_refused', updated_at = ?
                        WHERE id = ?
                        """, arguments: [date, id])
                    try Self.closeCampaignIfFinished(rowID: id, db, at: date)
                }
            }
            return ids.count
        }
    }

    /// Rows whose permission request got no reply since `cutoff` are cancelled (`permission_timeout`).
    public func expireAwaitingPermission(requestedBefore cutoff: Date, at date: Date) async throws -> Int {
        try await write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM scheduled_calls WHERE state = 'awaiting_permission' AND updated_at < ?
                """, arguments: [cutoff])
            for id in ids {
                try db.execute(sql: """
                    UPDATE scheduled_calls SET state = 'cancelled', last_result = 'permission_timeout', updated_at = ?
                    WHERE id = ?
                    """, arguments: [date, id])
                try Self.closeCampaignIfFinished(rowID: id, db, at: date)
            }
            return ids.count
        }
    }

    /// A running campaign whose rows are all final is `done`.
    static func closeCampaignIfFinished(rowID: String, _ db: Database, at date: Date) throws {
        try db.execute(sql: """
            UPDATE campaigns SET state = 'done', updated_at = ?
            WHERE state = 'running' AND id = (SELECT campaign_id FROM scheduled_calls WHERE id = ?)
              AND NOT EXISTS (SELECT 1 FROM scheduled_calls WHERE campaign_id = campaigns.id
                              AND state NOT IN ('done', 'failed', 'cancelled'))
            """, arguments: [date, rowID])
    }
}
