import Foundation
import GRDB
import Store
import Testing

/// The dialer's store: atomic claims, the claim turned into a call in one transaction, released
/// claims, settled rows, permission replies and campaign changes.
@Suite struct DialerStoreTests {
    let now = Date(timeIntervalSince1970: 1_773_000_000)

    func store(rows: Int, campaign: CampaignRecord.State = .running) async throws -> Store {
        let store = try Store(inMemoryNamed: "dialer-\(UUID().uuidString)")
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

    @Test func aLargeCampaignDoesNotHideTheOthersDueRows() async throws {
        let store = try await store(rows: 5)
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

    @Test func aRowIsClaimedByOneInstanceOnly() async throws {
        let store = try await store(rows: 3)
        let due = try await store.dueScheduledCalls(now: now, limit: 10).map(\.id)
        #expect(due == ["sch.1", "sch.2", "sch.3"])
        let a = try await store.claimScheduledCalls(ids: ["sch.1", "sch.2"], by: "a", until: now + 60, at: now)
        let b = try await store.claimScheduledCalls(ids: ["sch.2", "sch.3"], by: "b", until: now + 60, at: now)
        #expect(a.map(\.id) == ["sch.1", "sch.2"] && b.map(\.id) == ["sch.3"])
        #expect(a.allSatisfy { $0.state == .placing && $0.claimedBy == "a" && $0.claimedUntil == now + 60 })
        #expect(try await store.dueScheduledCalls(now: now, limit: 10).isEmpty)
    }

    @Test func theCallIsInsertedOnlyWithTheClaimAndTheClaimOnlyOnce() async throws {
        let store = try await store(rows: 1)
        _ = try await store.claimScheduledCalls(ids: ["sch.1"], by: "a", until: now + 60, at: now)
        let (request, row) = call("out.1")
        #expect(try await !store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.1", claimedBy: "b"))
        #expect(try await store.outboundCall(id: "out.1") == nil, "nothing written for a claim not held")
        #expect(try await store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.1", claimedBy: "a"))
        let placed = try #require(try await store.scheduledCall(id: "sch.1"))
        #expect(placed.state == .placed && placed.callID == "out.1" && placed.attempts == 1 && placed.phoneNumberID == "100")
        let (again, againRow) = call("out.2")
        #expect(try await !store.insertScheduledOutboundCall(again, row: againRow, scheduledID: "sch.1", claimedBy: "a"))
        // A placed row is never released, however old its claim.
        #expect(try await store.releaseScheduledClaims(expiredBefore: now + 3600, orClaimedBy: "a", at: now) == 0)
    }

    @Test func claimsOfADeadOrStoppingInstanceGoBack() async throws {
        let store = try await store(rows: 2)
        _ = try await store.claimScheduledCalls(ids: ["sch.1"], by: "dead", until: now + 5, at: now)
        _ = try await store.claimScheduledCalls(ids: ["sch.2"], by: "me", until: now + 60, at: now)
        #expect(try await store.releaseScheduledClaims(expiredBefore: now + 1, orClaimedBy: nil, at: now) == 0)
        #expect(try await store.releaseScheduledClaims(expiredBefore: now + 6, orClaimedBy: nil, at: now) == 1)
        #expect(try await store.scheduledCall(id: "sch.1")?.state == .pending)
        #expect(try await store.releaseScheduledClaims(expiredBefore: .distantPast, orClaimedBy: "me", at: now) == 1)
        let back = try #require(try await store.scheduledCall(id: "sch.2"))
        #expect(back.state == .pending && back.claimedBy == nil && back.attempts == 0)
    }

    @Test func endedCallsSettleTheRowsAndTheLastOneClosesTheCampaign() async throws {
        let store = try await store(rows: 2)
        _ = try await store.claimScheduledCalls(ids: ["sch.1", "sch.2"], by: "a", until: now + 60, at: now)
        for (n, id) in ["out.1", "out.2"].enumerated() {
            let (request, row) = call(id)
            #expect(try await store.insertScheduledOutboundCall(request, row: row, scheduledID: "sch.\(n + 1)", claimedBy: "a"))
        }
        #expect(try await store.endedScheduledCalls(limit: 10).isEmpty)
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE calls SET end_reason = 'no_answer' WHERE id = 'out.1'")
            try db.execute(sql: "UPDATE calls SET end_reason = 'hangup' WHERE id = 'out.2'")
        }
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

    @Test func aPermissionReplyReachesTheRowsWaitingOnIt() async throws {
        let store = try await store(rows: 2)
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
    }

    @Test func pausedCampaignsWaitAndCancelledOnesDropTheirPendingRows() async throws {
        let store = try await store(rows: 2)
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
}
