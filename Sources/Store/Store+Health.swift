import GRDB

extension Store {
    /// Proves the database can take a write without changing it, for `/healthz`: an empty write through
    /// group commit, so it runs in a `BEGIN IMMEDIATE` transaction that takes SQLite's write lock (and
    /// fails on a read-only, locked-out or broken database), and it waits its turn behind the writes
    /// already queued instead of behind however many arrive while the database is locked. (Taking the
    /// writer directly, it waited for group commit to run out of writes, which the outbox and the
    /// dialer, retrying every few seconds, never let happen: `/healthz` hung instead of answering 503.)
    public func checkWritable() async throws {
        try await write { db in
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
        }
    }
}
