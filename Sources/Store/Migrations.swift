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
        m.registerMigration("v2: call outcomes, call events and the follow-up outbox") { db in
            try db.alter(table: "calls") { t in
                t.add(column: "finalized_at", .datetime)
                t.add(column: "end_reason", .text)
                t.add(column: "flow_version", .text)
                t.add(column: "path_json", .text)
                t.add(column: "inputs_json", .text)
                t.add(column: "variables_json", .text)
                t.add(column: "wa_status", .text)
                t.add(column: "wa_start_time", .datetime)
                t.add(column: "wa_end_time", .datetime)
                t.add(column: "setup_pre_accept_ms", .integer)
                t.add(column: "setup_connected_ms", .integer)
                t.add(column: "setup_first_audio_ms", .integer)
                t.add(column: "error_codes", .text)
                t.add(column: "followup_status", .text)
            }
            try db.create(table: "call_events") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("call_id", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(index: "call_events_call", on: "call_events", columns: ["call_id", "at"])
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("call_id", .text).notNull()
                t.column("rule_key", .text).notNull()
                t.column("phone_number_id", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("message_json", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("created_at", .datetime).notNull()
                t.column("enqueued_at", .datetime).notNull()
                t.column("next_attempt_at", .datetime).notNull()
                t.column("last_attempt_at", .datetime)
                t.column("wamid", .text)
                t.column("error_code", .integer)
                t.column("error_detail", .text)
                t.column("updated_at", .datetime).notNull()
                t.uniqueKey(["call_id", "rule_key"])
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "next_attempt_at"])
            try db.create(index: "outbox_wamid", on: "outbox", columns: ["wamid"], unique: true)
        }
        m.registerMigration("v3: durable webhook events (the body kept until its events are processed)") { db in
            try db.create(table: "webhook_bodies") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("body", .blob).notNull()
                t.column("received_at", .datetime).notNull()
            }
            try db.alter(table: "webhook_deliveries") { t in
                t.add(column: "body_id", .integer)
                t.add(column: "event_index", .integer)
                t.add(column: "processed_at", .datetime)
            }
            try db.create(index: "webhook_deliveries_unprocessed", on: "webhook_deliveries", columns: ["processed_at"])
        }
        m.registerMigration("v4: the caller's answer to a recording's consent announcement") { db in
            try db.alter(table: "calls") { t in
                t.add(column: "recording_consent", .text)
            }
        }
        Self.registerConsole(&m)
        m.registerMigration("v5: the owning instance on each call (shared with the PostgreSQL schema)") { db in
            try db.alter(table: "calls") { t in
                t.add(column: "instance_id", .text)
            }
        }
        Self.registerOutbound(&m)
        Self.registerScheduledCalls(&m)
        Self.registerCampaigns(&m)
        return m
    }
}
