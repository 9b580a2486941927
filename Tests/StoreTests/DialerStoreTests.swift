import Foundation
import GRDB
import Store
import StorePostgres
import Testing

/// The dialer's store on both backends: atomic claims, the claim turned into a call in one transaction,
/// released claims, settled rows, permission replies and campaign changes; on PostgreSQL, two instances
/// claiming the same rows at once.
@Suite struct DialerStoreTests {
    let now = Date(timeIntervalSince1970: 1_773_000_000)

    func store(_ backend: Backend, rows: Int, campaign: CampaignRecord.State = .running) async throws -> any DialerStore {
        guard let store = try await backend.make() as? any DialerStore else { throw TestSetupError("\(backend) has no dialer") }
        let c = CampaignRecord(id: "cmp.1", flow: "reminder", rate: "2/s", state: campaign, createdAt: now)
        let records = (1...rows).map {
            ScheduledCallRecord(id: "sch.\($0)", recipient: "49151000000\($0)", flow: "reminder", origin: .campaign,
                                campaignID: "cmp.1", campaignRow: $0, notBefore: now, createdAt: now)
        }
        try await store.insertCampaign(c, rows: records)
        return store
    }

    func call(_ id: String) -> (OutboundCallRecord, CallRecord) {
        (OutboundCallRecord(id: id, phoneNumberID: "100", recipient: "491510000001", flow: "reminder", createdAt: now),
         CallRecord(id: id, phoneNumberID: "100", caller: "491510000001", direction: "BUSINESS_INITIATED",
                    flow: "reminder", status: .received, receivedAt: now))
    }

    /// A statement on the store's own database (the calls' end, which the call actor writes in production).
    func execute(_ sql: String, in store: any DialerStore) async throws {
        switch store {
        case let s as Store: try await s.writer.write { db in try db.execute(sql: sql) }
        case let p as PostgresStore: try await PostgresTestServer.execute(sql, in: p)
        default: throw TestSetupError("unknown store \(type(of: store))")
        }
    }

    @Test(arguments: Backend.allCases) func aLargeCampaignDoesNotHideTheOthersDueRows(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 5)
        let other = CampaignRecord(id: "cmp.2", flow: "reminder", rate: "1/s", createdAt: now)
        try await store.insertCampaign(other, rows: [
            ScheduledCallRecord(id: "sch.b1", recipient: "491520000001", flow: "reminder", origin: .campaign,
                                campaignID: "cmp.2", campaignRow: 1, notBefore: now + 1, createdAt: now),
        ])
        #expect(try await store.insertScheduledCall(ScheduledCallRecord(
            id: "sch.cb", recipient: "491530000001", flow: "reminder", origin: .callback, notBefore: now + 2, createdAt: now)))
        let due = try await store.dueScheduledCalls(now: now + 10, limit: 2).map(\.id)
        #expect(due == ["sch.1", "sch.2", "sch.b1", "sch.cb"])
    }

    @Test(arguments: Backend.allCases) func aRowIsClaimedByOneInstanceOnly(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 3)
        let due = try await store.dueScheduledCalls(now: now, limit: 10).map(\.id)
        #expect(due == ["sch.1", "sch.2", "sch.3"])
        let a = try await store.claimScheduledCalls(ids: ["sch.1", "sch.2"], by: "a", until: now + 60, at: now)
        let b = try await store.claimScheduledCalls(ids: ["sch.2", "sch.3"], by: "b", until: now + 60, at: now)
        #expect(a.map(\.id) == ["sch.1", "sch.2"] && b.map(\.id) == ["sch.3"])
        #expect(a.allSatisfy { $0.state == .placing && $0.claimedBy == "a" && $0.claimedUntil == now + 60 })
        #expect(try await store.dueScheduledCalls(now: now, limit: 10).isEmpty)
    }

    @Test(arguments: Backend.allCases) func theCallIsInsertedOnlyWithTheClaimAndTheClaimOnlyOnce(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 1)
        _ = try await store.claimScheduledCalls(ids: ["sch.1"], by: "a", until: now + 60, at: now)
        let (request, row) = call("out.1")
        #expect(try await !store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.1", claimedBy: "b"))
        let outbound = try #require(store as? any OutboundStore)
        let calls = try #require(store as? any CallStore)
        #expect(try await outbound.outboundCall(id: "out.1") == nil, "nothing written for a claim not held")
        #expect(try await calls.call(id: "out.1") == nil)
        #expect(try await store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.1", claimedBy: "a"))
        #expect(try await outbound.outboundCall(id: "out.1") == request)
        let callRow = try #require(try await calls.call(id: "out.1"))
        #expect(callRow.direction == "BUSINESS_INITIATED")
        if backend == .postgres { #expect(callRow.instanceID == "test-a", "the placing instance owns the call") }
        let placed = try #require(try await store.scheduledCall(id: "sch.1"))
        #expect(placed.state == .placed && placed.callID == "out.1" && placed.attempts == 1 && placed.phoneNumberID == "100")
        let (again, againRow) = call("out.2")
        #expect(try await !store.insertScheduledOutboundCall(again, row: againRow, scheduledID: "sch.1", claimedBy: "a"))
        // A placed row is never released, however old its claim.
        #expect(try await store.releaseScheduledClaims(expiredBefore: now + 3600, orClaimedBy: "a", at: now) == 0)
    }

    @Test(arguments: Backend.allCases) func claimsOfADeadOrStoppingInstanceGoBack(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 2)
        _ = try await store.claimScheduledCalls(ids: ["sch.1"], by: "dead", until: now + 5, at: now)
        _ = try await store.claimScheduledCalls(ids: ["sch.2"], by: "me", until: now + 60, at: now)
        #expect(try await store.releaseScheduledClaims(expiredBefore: now + 1, orClaimedBy: nil, at: now) == 0)
        #expect(try await store.releaseScheduledClaims(expiredBefore: now + 6, orClaimedBy: nil, at: now) == 1)
        #expect(try await store.scheduledCall(id: "sch.1")?.state == .pending)
        #expect(try await store.releaseScheduledClaims(expiredBefore: .distantPast, orClaimedBy: "me", at: now) == 1)
        let back = try #require(try await store.scheduledCall(id: "sch.2"))
        #expect(back.state == .pending && back.claimedBy == nil && back.attempts == 0)
    }

    @Test(arguments: Backend.allCases) func endedCallsSettleTheRowsAndTheLastOneClosesTheCampaign(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 2)
        _ = try await store.claimScheduledCalls(ids: ["sch.1", "sch.2"], by: "a", until: now + 60, at: now)
        for (n, id) in ["out.1", "out.2"].enumerated() {
            let (request, row) = call(id)
            #expect(try await store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.\(n + 1)", claimedBy: "a"))
        }
        #expect(try await store.endedScheduledCalls(limit: 10).isEmpty)
        try await execute("UPDATE calls SET end_reason = 'no_answer' WHERE id = 'out.1'", in: store)
        try await execute("UPDATE calls SET end_reason = 'hangup' WHERE id = 'out.2'", in: store)
        let ended = try await store.endedScheduledCalls(limit: 10)
        #expect(Set(ended.map { "\($0.row.id)=\($0.endReason)" }) == ["sch.1=no_answer", "sch.2=hangup"])
        #expect(try await store.settleScheduledCall(id: "sch.2", callID: "out.2", state: .done, lastResult: "hangup",
                                                    notBefore: nil, giveBackAttempt: false, at: now))
        #expect(try await store.settleScheduledCall(id: "sch.1", callID: "out.1", state: .pending, lastResult: "no_answer",
                                                    notBefore: now + 600, giveBackAttempt: false, at: now))
        #expect(try await store.campaign(id: "cmp.1")?.state == .running)
        #expect(try await store.dueScheduledCalls(now: now + 600, limit: 10).map(\.id) == ["sch.1"])
        _ = try await store.claimScheduledCalls(ids: ["sch.1"], by: "a", until: now + 660, at: now + 600)
        #expect(try await store.finishClaim(id: "sch.1", claimedBy: "a", state: .failed, lastResult: "unanswered_guard",
                                            notBefore: nil, phoneNumberID: nil, at: now + 600))
        #expect(try await store.campaign(id: "cmp.1")?.state == .done)
        let progress = try await store.campaignProgress(id: "cmp.1")
        #expect(progress.byState == ["done": 1, "failed": 1] && progress.finished == 2 && progress.total == 2)
        #expect(progress.byResult == ["hangup": 1, "unanswered_guard": 1])
    }

    @Test(arguments: Backend.allCases) func aPermissionReplyReachesTheRowsWaitingOnIt(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 2)
        _ = try await store.claimScheduledCalls(ids: ["sch.1", "sch.2"], by: "a", until: now + 60, at: now)
        for id in ["sch.1", "sch.2"] {
            #expect(try await store.finishClaim(id: id, claimedBy: "a", state: .awaitingPermission,
                                                lastResult: "permission_requested", notBefore: nil, phoneNumberID: "100",
                                                at: now))
        }
        #expect(try await store.resolveAwaitingPermission(phoneNumberID: "100", user: "491510000001", granted: true,
                                                          at: now + 30) == 1)
        let granted = try #require(try await store.scheduledCall(id: "sch.1"))
        #expect(granted.state == .pending && granted.notBefore == now + 30)
        #expect(try await store.resolveAwaitingPermission(phoneNumberID: "999", user: "491510000002", granted: false,
                                                          at: now) == 0, "another business number's reply")
        #expect(try await store.resolveAwaitingPermission(phoneNumberID: "100", user: "491510000002", granted: false,
                                                          at: now) == 1)
        let refused = try #require(try await store.scheduledCall(id: "sch.2"))
        #expect(refused.state == .cancelled && refused.lastResult == "permission_refused")
        #expect(try await store.campaign(id: "cmp.1")?.state == .running, "sch.1 is due again")
    }

    @Test(arguments: Backend.allCases) func unansweredRequestsExpireAndCloseTheCampaign(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 2)
        _ = try await store.claimScheduledCalls(ids: ["sch.1", "sch.2"], by: "a", until: now + 60, at: now)
        #expect(try await store.finishClaim(id: "sch.1", claimedBy: "a", state: .awaitingPermission,
                                            lastResult: "permission_requested", notBefore: nil, phoneNumberID: "100", at: now))
        #expect(try await store.finishClaim(id: "sch.2", claimedBy: "a", state: .failed, lastResult: "no_permission",
                                            notBefore: nil, phoneNumberID: nil, at: now))
        #expect(try await store.expireAwaitingPermission(requestedBefore: now, at: now + 10) == 0, "not yet")
        #expect(try await store.expireAwaitingPermission(requestedBefore: now + 1, at: now + 10) == 1)
        let expired = try #require(try await store.scheduledCall(id: "sch.1"))
        #expect(expired.state == .cancelled && expired.lastResult == "permission_timeout" && expired.updatedAt == now + 10)
        #expect(try await store.campaign(id: "cmp.1")?.state == .done)
    }

    /// Two instances on one PostgreSQL claim the same due rows at once, round after round: each row is
    /// claimed by one of them, and the last two rows ending at once on both close the campaign.
    @Test func twoInstancesClaimEachRowOnceAndCloseTheCampaignTogether() async throws {
        let count = 40
        let a = try await store(.postgres, rows: count)
        guard let b = try Backend.postgres.reopen(try #require(a as? any CallStore), instance: "test-b") as? any DialerStore
        else { throw TestSetupError("no dialer on the second instance") }
        let ids = (1...count).map { "sch.\($0)" }
        var claims: [String: [String]] = [:]
        for round in 0..<4 {
            let slice = Array(ids[(round * 10)..<(round * 10 + 10)])
            async let byA = a.claimScheduledCalls(ids: slice, by: "a", until: now + 60, at: now)
            async let byB = b.claimScheduledCalls(ids: slice.reversed(), by: "b", until: now + 60, at: now)
            for row in try await byA + byB { claims[row.id, default: []].append(row.claimedBy ?? "?") }
        }
        #expect(claims.count == count && claims.values.allSatisfy { $0.count == 1 })
        #expect(try await a.dueScheduledCalls(now: now, limit: 100).isEmpty)
        for id in ids.dropLast(2) {
            let owner = try #require(claims[id]?.first)
            #expect(try await a.finishClaim(id: id, claimedBy: owner, state: .failed, lastResult: "no_permission",
                                            notBefore: nil, phoneNumberID: nil, at: now))
        }
        let last = ids.suffix(2).map { ($0, claims[$0]?.first ?? "?") }
        async let endA = a.finishClaim(id: last[0].0, claimedBy: last[0].1, state: .failed, lastResult: "no_permission",
                                       notBefore: nil, phoneNumberID: nil, at: now)
        async let endB = b.finishClaim(id: last[1].0, claimedBy: last[1].1, state: .failed, lastResult: "no_permission",
                                       notBefore: nil, phoneNumberID: nil, at: now)
        #expect(try await [endA, endB] == [true, true])
        #expect(try await a.campaign(id: "cmp.1")?.state == .done)
    }

    @Test(arguments: Backend.allCases) func pausedCampaignsWaitAndCancelledOnesDropTheirPendingRows(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 2)
        guard case .changed = try await store.changeCampaign(id: "cmp.1", to: .paused, at: now) else {
            Issue.record("pause refused")
            return
        }
        #expect(try await store.dueScheduledCalls(now: now, limit: 10).isEmpty)
        #expect(try await store.changeCampaign(id: "cmp.1", to: .paused, at: now) == .notAllowed(.paused))
        #expect(try await store.changeCampaign(id: "cmp.x", to: .running, at: now) == .notFound)
        guard case let .changed(c) = try await store.changeCampaign(id: "cmp.1", to: .cancelled, at: now) else {
            Issue.record("cancel refused")
            return
        }
        #expect(c.state == .cancelled)
        #expect(try await store.campaignProgress(id: "cmp.1").byResult == ["campaign_cancelled": 2])
        #expect(try await store.changeCampaign(id: "cmp.1", to: .running, at: now) == .notAllowed(.cancelled))
    }

    /// The last call of a campaign ends while the campaign is paused (it was in flight when the operator paused):
    /// the campaign is `done` as soon as it is resumed, instead of `running` forever with nothing left to dial.
    @Test(arguments: Backend.allCases) func aCampaignWhoseLastRowEndedWhilePausedIsDoneOnResume(_ backend: Backend) async throws {
        let store = try await store(backend, rows: 1)
        _ = try await store.claimScheduledCalls(ids: ["sch.1"], by: "a", until: now + 60, at: now)
        let (request, row) = call("out.1")
        #expect(try await store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.1", claimedBy: "a"))
        guard case .changed = try await store.changeCampaign(id: "cmp.1", to: .paused, at: now) else {
            Issue.record("pause refused")
            return
        }
        try await execute("UPDATE calls SET end_reason = 'hangup' WHERE id = 'out.1'", in: store)
        #expect(try await store.settleScheduledCall(id: "sch.1", callID: "out.1", state: .done, lastResult: "hangup",
                                                    notBefore: nil, giveBackAttempt: false, at: now))
        #expect(try await store.campaign(id: "cmp.1")?.state == .paused, "a paused campaign stays paused")
        guard case let .changed(c) = try await store.changeCampaign(id: "cmp.1", to: .running, at: now) else {
            Issue.record("resume refused")
            return
        }
        #expect(c.state == .done)
        #expect(try await store.campaign(id: "cmp.1")?.state == .done)
    }
}
