import Dispatch
import Foundation
import GRDB
@testable import Store
import Testing

/// Group commit (`GroupCommit`): writes that wait while a transaction runs share the next one, each still
/// atomic on its own, in the order submitted. The writer is held by a write that waits on a gate, so which
/// writes share a transaction is decided by the test, not by timing.
@Suite struct GroupCommitTests {
    struct Refused: Error, Equatable {}

    func makeStore(maxWritesPerTransaction: Int = 64) throws -> Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-group-\(UUID().uuidString).sqlite").path
        return try Store(path: path, maxWritesPerTransaction: maxWritesPerTransaction)
    }

    /// Starts a write that holds the writer until `gate` is signalled; returns once it runs.
    func holdWriter(_ store: Store, gate: DispatchSemaphore) async -> Task<Void, any Error> {
        let (started, running) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            try await store.write { db in
                running.yield()
                gate.wait()
                try CallEvent(callID: "held", at: Date(), kind: .step, detail: "held").insert(db)
            }
        }
        for await _ in started { break }
        return task
    }

    /// Waits until `count` writes are queued behind the held one.
    func waitForQueue(_ store: Store, _ count: Int) async {
        while store.groupCommitStats.waiting < count { await Task.yield() }
    }

    /// Holds the writer, queues `count` events behind it, lets it go and waits for all of them.
    func recordBehindHeldWriter(_ store: Store, count: Int, callID: @escaping @Sendable (Int) -> String) async throws {
        let gate = DispatchSemaphore(value: 0)
        let held = await holdWriter(store, gate: gate)
        let writes = (0..<count).map { i in
            Task { try await store.recordEvent(callID: callID(i), kind: .prompt, detail: "p\(i)", at: Date()) }
        }
        await waitForQueue(store, count)
        gate.signal()
        try await held.value
        for w in writes { try await w.value }
    }

    @Test func writesWaitingBehindATransactionShareTheNextOne() async throws {
        let store = try makeStore()
        try await recordBehindHeldWriter(store, count: 40) { "call-\($0 % 4)" }
        let stats = store.groupCommitStats
        #expect(stats.transactions == 2)
        #expect(stats.writes == 41)
        #expect(stats.largestBatch == 40)
        #expect(stats.failedTransactions == 0)
        #expect(try await store.events(callID: "call-3").count == 10)
    }

    @Test func aWriteThatThrowsIsRolledBackAloneAndItsCallerGetsTheError() async throws {
        let store = try makeStore()
        let gate = DispatchSemaphore(value: 0)
        let held = await holdWriter(store, gate: gate)
        let before = Task { try await store.recordEvent(callID: "a", kind: .step, detail: "before", at: Date()) }
        await waitForQueue(store, 1)
        let failing = Task {
            try await store.write { db in
                try CallEvent(callID: "a", at: Date(), kind: .step, detail: "half done").insert(db)
                throw Refused()
            }
        }
        await waitForQueue(store, 2)
        let after = Task { try await store.recordEvent(callID: "a", kind: .step, detail: "after", at: Date()) }
        await waitForQueue(store, 3)
        gate.signal()
        try await held.value
        try await before.value
        await #expect(throws: Refused.self) { try await failing.value }
        try await after.value
        #expect(try await store.events(callID: "a").map(\.detail) == ["before", "after"])
        #expect(store.groupCommitStats.transactions == 2)
    }

    @Test func aLaterWriteInTheSameTransactionSeesTheEarlierOnes() async throws {
        let store = try makeStore()
        let gate = DispatchSemaphore(value: 0)
        let held = await holdWriter(store, gate: gate)
        let first = Task { try await store.recordEvent(callID: "b", kind: .step, detail: "one", at: Date()) }
        await waitForQueue(store, 1)
        let count = Task {
            try await store.write { db in try CallEvent.filter(Column("call_id") == "b").fetchCount(db) }
        }
        await waitForQueue(store, 2)
        gate.signal()
        try await held.value
        try await first.value
        #expect(try await count.value == 1)
        #expect(store.groupCommitStats.transactions == 2)
    }

    @Test func aBatchHoldsAtMostTheConfiguredNumberOfWrites() async throws {
        let store = try makeStore(maxWritesPerTransaction: 8)
        try await recordBehindHeldWriter(store, count: 20) { _ in "c" }
        let stats = store.groupCommitStats
        #expect(stats.transactions == 1 + 3)  // 8 + 8 + 4
        #expect(stats.largestBatch == 8)
        #expect(try await store.events(callID: "c").count == 20)
    }

    @Test func aLoneWriteIsItsOwnTransaction() async throws {
        let store = try makeStore()
        try await store.recordEvent(callID: "d", kind: .step, detail: "one", at: Date())
        try await store.recordEvent(callID: "d", kind: .step, detail: "two", at: Date())
        let stats = store.groupCommitStats
        #expect(stats.transactions == 2)
        #expect(stats.largestBatch == 1)
        #expect(stats.waiting == 0)
    }
}
