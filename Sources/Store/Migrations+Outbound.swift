import GRDB

extension Migrations {
    /// Business-initiated calls, v6 (registered last: after v4, the console's indexes and v5's instance_id):
    /// the permission per user and business number, and the calls we place. Plain tables, standard SQL
    /// types (the PostgreSQL schema does not have them yet).
    static func registerOutbound(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6: outbound: call permissions and the calls we place") { db in
            try db.create(table: "permissions") { t in
                t.column("phone_number_id", .text).notNull()
                t.column("user_id", .text).notNull()
                /// Meta's answer as last read: no_permission, temporary, permanent.
                t.column("status", .text).notNull()
                t.column("expires_at", .datetime)
                /// The whole `call_permissions` answer (actions and limits), as JSON.
                t.column("permission_json", .text)
                t.column("checked_at", .datetime)
                /// Until when the answer may be reused instead of asking again (the lookup is limited to 5/s).
                t.column("cache_until", .datetime)
                t.column("consecutive_unanswered", .integer).notNull().defaults(to: 0)
                t.column("last_request_at", .datetime)
                t.column("updated_at", .datetime).notNull()
                t.primaryKey(["phone_number_id", "user_id"])
            }
            try db.create(table: "outbound_calls") { t in
                t.primaryKey("id", .text)
                t.column("phone_number_id", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("flow", .text).notNull()
                t.column("variables_json", .text)
                t.column("biz_opaque_callback_data", .text)
                /// WhatsApp's call id, once `connect` was taken.
                t.column("wa_call_id", .text).unique()
                t.column("created_at", .datetime).notNull()
            }
        }
    }
}
