import GRDB

extension Store {
    /// Proves the database can take a write without changing it: `BEGIN IMMEDIATE` takes SQLite's
    /// write lock (and fails on a read-only, locked-out or broken database), a read runs inside,
    /// then the transaction is rolled back. For `/healthz`.
    public func checkWritable() async throws {
        try await writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                return .rollback
            }
        }
    }
}
