import GRDB

/// The schema, one registered migration per change. Never edit a shipped migration: add one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: calls and webhook deliveries") { db in
            try db.create(table: "calls") { t in
                t.primaryKey("id", .text)
                t.column("phone_number_id", .text).notNull()
                t.column("caller", .text).notNull()
                t.column("direction", .text).notNull()
                t.column("flow", .text)
                t.column("status", .text).notNull()
                t.column("reason", .text)
                t.column("received_at", .datetime).notNull()
                t.column("connected_at", .datetime)
                t.column("ended_at", .datetime)
                t.column("duration_seconds", .integer)
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "calls_received_at", on: "calls", columns: ["received_at"])
            try db.create(table: "webhook_deliveries") { t in
                t.column("subject_id", .text).notNull()
                t.column("event", .text).notNull()
                t.column("received_at", .datetime).notNull()
                t.primaryKey(["subject_id", "event"])
            }
        }
        return m
    }
}
