import Foundation
import GRDB
import Store
import Testing

/// Finalization once, the timeline, and the outbox's state changes, on both stores.
@Suite struct OutcomeStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_764_070_000)

    func call(_ id: String = "wacid.1", status: CallStatus = .accepted) -> CallRecord {
        CallRecord(id: id, phoneNumberID: "106540352242922", caller: "13175551234", flow: "main", status: status,
                   receivedAt: t0)
    }

    func draft(_ rule: String = "missed") -> OutboxDraft {
        OutboxDraft(ruleKey: rule, recipient: "13175551234", messageJSON: #"{"x":1}"#)
    }

    @Test(arguments: Backend.allCases) func aCallIsFinalizedOnceEvenWhenBothEndsRace(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await store.insertCall(call())
        let results = try await withThrowingTaskGroup(of: CallFinalization?.self) { group in
            for i in 0..<10 {
                group.addTask {
                    try await store.finalizeCall(id: "wacid.1", at: self.t0.addingTimeInterval(Double(i)),
                                                 endDetail: "end \(i)") { row, _, first in
                        if first { row.endReason = "r\(i)" }
                        return [self.draft()]
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let firsts = results.filter { if case .finalized = $0 { return true } else { return false } }
        #expect(firsts.count == 1)
        #expect(try await store.outboxMessages().count == 1)
        let ends = try await store.events(callID: "wacid.1").filter { $0.kind == CallEventKind.end }
        #expect(ends.count == 1)
        let row = try await store.call(id: "wacid.1")
        #expect(row?.finalizedAt != nil)
        #expect(row?.followupStatus == "pending")
    }

    @Test(arguments: Backend.allCases) func theSecondEndKeepsItsFieldChangesButQueuesNothing(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await store.insertCall(call())
        _ = try await store.finalizeCall(id: "wacid.1", at: t0, endDetail: "hangup") { _, _, _ in [] }
        let second = try await store.finalizeCall(id: "wacid.1", at: t0.addingTimeInterval(2), endDetail: "terminate") {
            row, _, first in
            row.waStatus = "COMPLETED"
            return first ? [] : [self.draft()]
        }
        guard case let .alreadyFinalized(row)? = second else {
            Issue.record("expected alreadyFinalized, got \(String(describing: second))")
            return
        }
        #expect(row.waStatus == "COMPLETED")
        #expect(try await store.call(id: "wacid.1")?.waStatus == "COMPLETED")
        #expect(try await store.call(id: "wacid.1")?.finalizedAt == t0)
        #expect(try await store.outboxMessages().isEmpty)
        #expect(try await store.call(id: "wacid.1")?.followupStatus == "none")
    }

    @Test(arguments: Backend.allCases) func unknownCallsAreInsertedOnlyWhenAskedTo(_ backend: Backend) async throws {
        let store = try await backend.make()
        #expect(try await store.finalizeCall(id: "wacid.X", endDetail: "x") { _, _, _ in [] } == nil)
        let done = try await store.finalizeCall(id: "wacid.X", ifMissing: call("wacid.X", status: .completed),
                                                endDetail: "x") { _, _, _ in [] }
        if case .finalized? = done {} else { Issue.record("expected finalized, got \(String(describing: done))") }
        #expect(try await store.call(id: "wacid.X")?.status == .completed)
    }

    @Test(arguments: Backend.allCases) func eventsKeepTheirOrderAndTheListShowsTheLastStep(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await store.insertCall(call("wacid.A"))
        var other = call("wacid.B")
        other.flow = "sales"
        other.receivedAt = t0.addingTimeInterval(3600)
        try await store.insertCall(other)
        for (i, step) in ["welcome", "menu", "sales"].enumerated() {
            try await store.recordEvent(callID: "wacid.A", kind: CallEventKind.step, detail: step,
                                        at: t0.addingTimeInterval(Double(i)))
        }
        try await store.recordEvent(callID: "wacid.A", kind: CallEventKind.key, detail: "1", at: t0.addingTimeInterval(1.5))
        #expect(try await store.events(callID: "wacid.A").map(\.detail) == ["welcome", "menu", "1", "sales"])
        let all = try await store.calls()
        #expect(all.map(\.call.id) == ["wacid.B", "wacid.A"])
        #expect(all.map(\.lastStep) == [nil, "sales"])
        #expect(try await store.calls(flow: "sales").map(\.call.id) == ["wacid.B"])
        #expect(try await store.calls(since: t0.addingTimeInterval(60)).map(\.call.id) == ["wacid.B"])
        #expect(try await store.calls(status: "failed").isEmpty)
    }

    @Test(arguments: Backend.allCases) func outboxRowsMoveThroughTheirStatesAndOnlyForward(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await store.insertCall(call())
        _ = try await store.finalizeCall(id: "wacid.1", at: t0, endDetail: "x") { _, _, _ in [self.draft()] }
        #expect(try await store.claimDueOutbox(now: t0.addingTimeInterval(-1)).isEmpty)
        let claimed = try await store.claimDueOutbox(now: t0)
        #expect(claimed.count == 1)
        #expect(claimed.first?.status == .sending)
        #expect(claimed.first?.attempts == 1)
        #expect(try await store.claimDueOutbox(now: t0).isEmpty)
        #expect(try await store.call(id: "wacid.1")?.followupStatus == "sending")
        let id = try #require(claimed.first?.id)
        // A restart finds it `sending` and makes it due again.
        #expect(try await store.resumeInterruptedOutbox(now: t0.addingTimeInterval(5)) == 1)
        #expect(try await store.outboxMessage(id: id)?.status == .pending)
        #expect(try await store.nextOutboxDue() == t0.addingTimeInterval(5))
        _ = try await store.claimDueOutbox(now: t0.addingTimeInterval(5))
        try await store.markOutboxSent(id: id, wamid: "wamid.A", at: t0.addingTimeInterval(6))
        try await store.applyMessageStatus(wamid: "wamid.A", status: .read, at: t0.addingTimeInterval(7))
        try await store.applyMessageStatus(wamid: "wamid.A", status: .delivered, at: t0.addingTimeInterval(8))
        #expect(try await store.outboxMessage(id: id)?.status == .read)
        #expect(try await store.call(id: "wacid.1")?.followupStatus == "read")
        #expect(try await store.applyMessageStatus(wamid: "wamid.unknown", status: .read) == nil)
        try await store.applyMessageStatus(wamid: "wamid.A", status: .failed, errorCode: 131026, detail: "undeliverable")
        let failed = try await store.outboxMessage(id: id)
        #expect(failed?.status == .failed)
        #expect(failed?.errorCode == 131026)
    }

    @Test(arguments: Backend.allCases) func retryRequeuesFailedMessagesOnlyWithExactErrors(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await store.insertCall(call())
        _ = try await store.finalizeCall(id: "wacid.1", at: t0, endDetail: "x") { _, _, _ in [self.draft()] }
        let id = try #require(try await store.outboxMessages().first?.id)
        _ = try await store.claimDueOutbox(now: t0)
        await #expect(throws: StoreError.cannotRetry(id: id, status: "sending")) {
            try await store.retryOutbox(id: id)
        }
        #expect(StoreError.cannotRetry(id: id, status: "sending").description
            == "outbox message \(id) is sending; only failed or pending messages can be retried")
        await #expect(throws: StoreError.noSuchOutboxMessage(id: 999)) { try await store.retryOutbox(id: 999) }
        #expect(StoreError.noSuchOutboxMessage(id: 999).description == "no outbox message with id 999")
        try await store.failOutbox(id: id, errorCode: 131026, detail: "HTTP 400", at: t0.addingTimeInterval(1))
        #expect(try await store.call(id: "wacid.1")?.followupStatus == "failed")
        let later = t0.addingTimeInterval(86_400 * 3)
        let retried = try await store.retryOutbox(id: id, at: later)
        #expect(retried.status == .pending)
        #expect(retried.enqueuedAt == later)
        #expect(retried.nextAttemptAt == later)
        #expect(try await store.claimDueOutbox(now: later).count == 1)
    }

    @Test func aVersionOneDatabaseIsMigratedKeepingItsRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-v1-\(UUID().uuidString).sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1: calls and webhook deliveries');
                    CREATE TABLE calls (id TEXT PRIMARY KEY, phone_number_id TEXT NOT NULL, caller TEXT NOT NULL,
                      direction TEXT NOT NULL, flow TEXT, status TEXT NOT NULL, reason TEXT, received_at DATETIME NOT NULL,
                      connected_at DATETIME, ended_at DATETIME, duration_seconds INTEGER, updated_at DATETIME NOT NULL);
                    CREATE TABLE webhook_deliveries (subject_id TEXT NOT NULL, event TEXT NOT NULL,
                      received_at DATETIME NOT NULL, PRIMARY KEY (subject_id, event));
                    INSERT INTO calls VALUES ('wacid.OLD', '1', '13175551234', 'USER_INITIATED', 'main', 'completed', NULL,
                      '2026-11-25 10:00:00.000', NULL, NULL, 12, '2026-11-25 10:00:00.000');
                    """)
            }
        }
        let store = try Store(path: path)
        let old = try await store.call(id: "wacid.OLD")
        #expect(old?.durationSeconds == 12)
        #expect(old?.finalizedAt == nil)
        #expect(try await store.outboxMessages().isEmpty)
    }
}
