import Foundation
import Store
import StorePostgres
import Testing

/// Two instances on one PostgreSQL database: dedupe, outbox claims and leases, and whose calls are whose.
@Suite struct SharedPostgresTests {
    let t0 = Date(timeIntervalSince1970: 1_764_070_000)

    func twoInstances() async throws -> (PostgresStore, PostgresStore) {
        let a = try await Backend.postgres.make(instance: "a")
        let b = try Backend.postgres.reopen(a, instance: "b")
        guard let pa = a as? PostgresStore, let pb = b as? PostgresStore else { throw TestSetupError("not PostgreSQL") }
        return (pa, pb)
    }

    func finalizedCalls(_ store: PostgresStore, count: Int) async throws {
        for i in 0..<count {
            let id = "wacid.\(i)"
            try await store.insertCall(CallRecord(id: id, phoneNumberID: "1", caller: "13175551234", status: .accepted,
                                                  receivedAt: t0))
            _ = try await store.finalizeCall(id: id, at: t0, endDetail: "hangup") { _, _, _ in
                [OutboxDraft(ruleKey: "thanks", recipient: "13175551234", messageJSON: "{}")]
            }
        }
    }

    @Test func aDeliveryRecordedByBothInstancesAtOnceIsNewForOne() async throws {
        let (a, b) = try await twoInstances()
        for n in 0..<20 {
            let key = Store.DeliveryKey(subjectID: "wacid.\(n)", event: "terminate", index: 0)
            async let fromA = a.recordDeliveries([key], body: [1])
            async let fromB = b.recordDeliveries([key], body: [2])
            let both = try await [fromA, fromB].flatMap { $0 }
            #expect(both.filter { $0 }.count == 1)
        }
    }

    @Test func concurrentClaimsFromTwoInstancesAreDisjointAndComplete() async throws {
        let (a, b) = try await twoInstances()
        try await finalizedCalls(a, count: 40)
        var claimedA: [Int64] = [], claimedB: [Int64] = []
        while true {
            async let fromA = a.claimDueOutbox(now: t0, limit: 3)
            async let fromB = b.claimDueOutbox(now: t0, limit: 3)
            let (ra, rb) = try await (fromA, fromB)
            if ra.isEmpty && rb.isEmpty { break }
            claimedA += ra.compactMap(\.id)
            claimedB += rb.compactMap(\.id)
        }
        #expect(Set(claimedA).isDisjoint(with: claimedB))
        #expect(claimedA.count + claimedB.count == 40)
        #expect(Set(claimedA + claimedB).count == 40)
    }

    @Test func aClaimOfADeadInstanceIsTakenOverWhenItsLeaseRunsOut() async throws {
        let (a, b) = try await twoInstances()
        try await finalizedCalls(a, count: 1)
        let claimed = try await a.claimDueOutbox(now: t0, limit: 16)
        #expect(claimed.count == 1)
        // B's start-up does not touch A's claim, and B cannot claim it while the lease holds.
        #expect(try await b.resumeInterruptedOutbox(now: t0) == 0)
        #expect(try await b.claimDueOutbox(now: t0.addingTimeInterval(a.outboxLease - 1), limit: 16).isEmpty)
        #expect(try await b.nextOutboxDue() == t0.addingTimeInterval(a.outboxLease))
        let taken = try await b.claimDueOutbox(now: t0.addingTimeInterval(a.outboxLease + 1), limit: 16)
        #expect(taken.map(\.id) == claimed.map(\.id))
        #expect(taken.first?.attempts == 2)
        // Sent by B: the row leaves `sending`, so nobody claims it again.
        let id = try #require(taken.first?.id)
        try await b.markOutboxSent(id: id, wamid: "wamid.X", at: t0.addingTimeInterval(a.outboxLease + 2))
        #expect(try await a.claimDueOutbox(now: t0.addingTimeInterval(10_000), limit: 16).isEmpty)
        #expect(try await a.outboxMessage(id: id)?.status == .sent)
    }

    @Test func aRestartResumesOnlyItsOwnInterruptedSends() async throws {
        let (a, b) = try await twoInstances()
        try await finalizedCalls(a, count: 2)
        let one = try await a.claimDueOutbox(now: t0, limit: 1)
        let other = try await b.claimDueOutbox(now: t0, limit: 1)
        #expect(one.count == 1 && other.count == 1)
        let restartedA = try Backend.postgres.reopen(a, instance: "a")
        #expect(try await restartedA.resumeInterruptedOutbox(now: t0.addingTimeInterval(1)) == 1)
        let pending = try await a.outboxMessages(statuses: [.pending])
        #expect(pending.map(\.id) == one.map(\.id))
    }

    @Test func eachInstanceReconcilesOnlyItsOwnUnfinalizedCalls() async throws {
        let (a, b) = try await twoInstances()
        try await a.insertCall(CallRecord(id: "wacid.A", phoneNumberID: "1", caller: "1", status: .accepted, receivedAt: t0))
        try await b.insertCall(CallRecord(id: "wacid.B", phoneNumberID: "1", caller: "1", status: .accepted, receivedAt: t0))
        #expect(try await a.unfinalizedCalls().map(\.id) == ["wacid.A"])
        #expect(try await b.unfinalizedCalls().map(\.id) == ["wacid.B"])
        #expect(try await a.call(id: "wacid.B")?.instanceID == "b")
    }

    @Test func aBadURLGivesAPreciseError() {
        #expect(throws: StoreError.badDatabaseURL(reason: "expected postgres:// or postgresql://")) {
            try PostgresStore(url: "mysql://localhost/ivr", instanceID: "x")
        }
        #expect(throws: StoreError.badDatabaseURL(reason: "sslmode 'maybe': expected disable, prefer or require")) {
            try PostgresStore(url: "postgres://u@localhost/ivr?sslmode=maybe", instanceID: "x")
        }
    }

    @Test func anUnreachableServerFailsPrepareWithinItsTimeout() async throws {
        let store = try PostgresStore(url: "postgres://postgres@127.0.0.1:1/ivr", instanceID: "x",
                                      connectTimeout: .seconds(1))
        await #expect(throws: StoreError.cannotOpen(path: "postgres://postgres@127.0.0.1:1/ivr",
                                                    reason: "no connection within 1.0 seconds")) {
            try await store.prepare()
        }
        await store.close()
    }
}
