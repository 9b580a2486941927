import GRDB
import Wire

/// Group commit: the store's writes, from every call at once, share SQLite transactions.
///
/// Each write runs in its own savepoint, so it is still atomic on its own: one that throws is rolled
/// back alone and its caller gets the error, while the others in the batch commit. A caller resumes only
/// after the transaction holding its write has committed (with SQLite's `synchronous = FULL` in WAL mode,
/// after the fsync), so a method that returned is as durable as before. Writes run in the order they were
/// submitted, so a later read in the same batch sees the earlier writes.
///
/// Nothing waits to fill a batch: when the writer is idle, a write starts at once, alone. Writes that
/// arrive while a transaction runs (its statements, its commit, its fsync) wait for the next one and then
/// share it. So at low load each write is its own transaction, as before, and under load one commit and
/// one fsync serve many calls' writes instead of one each.
final class GroupCommit: Sendable {
    private let writer: any DatabaseWriter
    /// The most writes one transaction holds; the rest wait for the next.
    let maxBatch: Int
    private let state = Locked(State())

    private struct State {
        var queue: [Job] = []
        var running = false
        var stats = GroupCommitStats()
    }

    /// One write: runs in the batch's transaction, then learns whether that transaction committed.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    init(writer: any DatabaseWriter, maxBatch: Int = 64) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
    }

    var stats: GroupCommitStats {
        state.withLock { s in
            var stats = s.stats
            stats.waiting = s.queue.count
            return stats
        }
    }

    /// Runs `body` in a savepoint of the next transaction and returns its value once that has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let job = Job(run: { db in
                outcome.result = Result {
                    var value: T?
                    try db.inSavepoint {
                        value = try body(db)
                        return .commit
                    }
                    guard let value else { throw StoreError.writeNotRun }
                    return value
                }
            }, finish: { commitError in
                if let commitError {
                    continuation.resume(throwing: commitError)
                } else {
                    continuation.resume(with: outcome.result ?? .failure(StoreError.writeNotRun))
                }
            })
            submit(job)
        }
    }

    private func submit(_ job: Job) {
        let start = state.withLock { s -> Bool in
            s.queue.append(job)
            guard !s.running else { return false }
            s.running = true
            return true
        }
        if start { writer.asyncWriteWithoutTransaction { [self] db in drain(db) } }
    }

    /// On the writer's queue: commits batches until none is waiting.
    private func drain(_ db: Database) {
        while let batch = nextBatch() {
            var commitError: (any Error)?
            do {
                try db.inTransaction(.immediate) {
                    for job in batch { job.run(db) }
                    return .commit
                }
            } catch {
                commitError = error
            }
            state.withLock { s in
                s.stats.transactions += 1
                s.stats.writes += batch.count
                s.stats.largestBatch = max(s.stats.largestBatch, batch.count)
                if commitError != nil { s.stats.failedTransactions += 1 }
            }
            for job in batch { job.finish(commitError) }
        }
    }

    /// The next writes to commit, oldest first; nil (and the writer idle) when none is waiting.
    private func nextBatch() -> [Job]? {
        state.withLock { s in
            guard !s.queue.isEmpty else {
                s.running = false
                return nil
            }
            let count = min(maxBatch, s.queue.count)
            let batch = Array(s.queue.prefix(count))
            s.queue.removeFirst(count)
            return batch
        }
    }
}

/// What group commit has done since the store opened.
public struct GroupCommitStats: Sendable, Equatable {
    public var transactions = 0
    public var writes = 0
    public var largestBatch = 0
    public var failedTransactions = 0
    /// Writes submitted and not yet started, at the time of reading.
    public var waiting = 0

    /// Writes per transaction, on average.
    public var meanBatch: Double { transactions == 0 ? 0 : Double(writes) / Double(transactions) }
}

/// A write's result, set on the writer's queue before the commit and read after it: never concurrently.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
