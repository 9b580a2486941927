import GRDB

extension Migrations {
    /// Indexes for the console's filters and the per-step funnel. Registered after v3; plain
    /// `CREATE INDEX` on existing columns, so it ports to any SQL database.
    static func registerConsole(_ m: inout DatabaseMigrator) {
        m.registerMigration("console: indexes for the calls list, the funnel and the live page") { db in
            try db.create(index: "calls_flow_received", on: "calls", columns: ["flow", "received_at"])
            try db.create(index: "calls_flow_version", on: "calls", columns: ["flow", "flow_version"])
            try db.create(index: "calls_number_received", on: "calls", columns: ["phone_number_id", "received_at"])
            try db.create(index: "calls_caller_received", on: "calls", columns: ["caller", "received_at"])
            try db.create(index: "calls_finalized", on: "calls", columns: ["finalized_at"])
            try db.create(index: "call_events_kind_call", on: "call_events", columns: ["kind", "call_id"])
        }
    }
}
