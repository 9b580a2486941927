import Foundation
import GRDB

/// The server's SQLite database: opened, created and migrated on start. The embedded default; one
/// instance per database (see `PostgresStore` for several).
public final class Store: CallStore {
    public let writer: any DatabaseWriter
    public let path: String
    /// Every write of the store's methods goes through here (see `GroupCommit`).
    let commits: GroupCommit

    /// Opens (creating if needed) the database file at `path`, in WAL mode, and migrates it. Up to
    /// `maxWritesPerTransaction` concurrent writes share one transaction (1: each its own).
    public init(path: String, maxWritesPerTransaction: Int = 64) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotCreateDirectory(path: dir, reason: error.localizedDescription)
        }
        var config = Configuration()
        config.busyMode = .timeout(5)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        self.writer = pool
        self.path = path
        self.commits = GroupCommit(writer: pool, maxBatch: maxWritesPerTransaction)
        try migrate()
    }

    /// An in-memory database, for tests and `simulate`.
    public init(inMemoryNamed name: String = "ivr") throws {
        let queue = try DatabaseQueue(named: name)
        self.writer = queue
        self.path = ":memory:"
        self.commits = GroupCommit(writer: queue)
        try migrate()
    }

    public var summary: String { path }

    /// How the writes were grouped into transactions so far.
    public var groupCommitStats: GroupCommitStats { commits.stats }

    /// Runs `body` as one atomic write and returns once it is committed; concurrent writes share the
    /// transaction (`GroupCommit`).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await commits.write(body)
    }

    /// SQLite is migrated when opened.
    public func prepare() async throws {}

    /// GRDB closes the file when the store is released.
    public func close() async {}

    private func migrate() throws {
        do {
            try Migrations.migrator.migrate(writer)
        } catch {
            throw StoreError.migrationFailed(path: path, reason: "\(error)")
        }
    }

    /// Records a webhook delivery. Returns true the first time a (subject, event) pair is seen,
    /// false for a redelivery. Atomic: two concurrent deliveries of one pair yield one `true`.
    public func recordDelivery(subjectID: String, event: String, at date: Date) async throws -> Bool {
        try await write { db in
            try WebhookDelivery(subjectID: subjectID, event: event, receivedAt: date).insert(db, onConflict: .ignore)
            return db.changesCount > 0
        }
    }

    /// Inserts a call row unless one with that id exists. Returns true when inserted.
    @discardableResult
    public func insertCall(_ call: CallRecord) async throws -> Bool {
        try await write { db in
            try call.insert(db, onConflict: .ignore)
            return db.changesCount > 0
        }
    }

    /// Applies `change` to the call's row and saves it. Returns the updated row, or nil for an unknown call
    /// or one already finalized: once `finalized_at` is set only `finalizeCall` may touch the row, so a late
    /// progress write (a `reject` that lost the race with a `terminate`) cannot rewrite its outcome.
    @discardableResult
    public func updateCall(id: String, at date: Date,
                           _ change: @Sendable @escaping (inout CallRecord) -> Void) async throws -> CallRecord? {
        try await write { db in
            guard var call = try CallRecord.fetchOne(db, key: id), call.finalizedAt == nil else { return nil }
            change(&call)
            call.updatedAt = date
            try call.update(db)
            return call
        }
    }

    /// Calls that were never finalized (a crash or `kill -9` left them), oldest first.
    public func unfinalizedCalls() async throws -> [CallRecord] {
        try await writer.read { db in
            try CallRecord.filter(Column("finalized_at") == nil).order(Column("received_at")).fetchAll(db)
        }
    }

    public func call(id: String) async throws -> CallRecord? {
        try await writer.read { db in try CallRecord.fetchOne(db, key: id) }
    }

    /// Calls, newest first.
    public func recentCalls(limit: Int) async throws -> [CallRecord] {
        try await writer.read { db in
            try CallRecord.order(Column("received_at").desc).limit(limit).fetchAll(db)
        }
    }

    public func deliveryCount(subjectID: String) async throws -> Int {
        try await writer.read { db in
            try WebhookDelivery.filter(Column("subject_id") == subjectID).fetchCount(db)
        }
    }
}
