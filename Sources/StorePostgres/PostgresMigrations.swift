import Logging
import PostgresNIO
import Store

/// The PostgreSQL schema: the SQLite tables (SQLite migrations v1–v8 and `console` in `Store`) in PostgreSQL's types, plus what
/// several instances need (`instances`, who accepted a delivery, who claimed an outbox row and until when).
/// One registered migration per change, applied under an advisory lock so instances starting together
/// migrate once. Never edit a shipped migration: add one.
enum PostgresMigrations {
    /// (identifier, statements). postgres-nio's extended protocol takes one statement per query.
    static let all: [(String, [String])] = [
        ("pg1: calls, events, deliveries, outbox, instances", [
            """
            CREATE TABLE calls (
              id text PRIMARY KEY, phone_number_id text NOT NULL, caller text NOT NULL, direction text NOT NULL,
              flow text, status text NOT NULL, reason text, received_at timestamptz NOT NULL,
              connected_at timestamptz, ended_at timestamptz, duration_seconds bigint, updated_at timestamptz NOT NULL,
              finalized_at timestamptz, end_reason text, flow_version text, path_json text, inputs_json text,
              variables_json text, wa_status text, wa_start_time timestamptz, wa_end_time timestamptz,
              setup_pre_accept_ms bigint, setup_connected_ms bigint, setup_first_audio_ms bigint,
              error_codes text, followup_status text, instance_id text)
            """,
            "CREATE INDEX calls_received_at ON calls (received_at)",
            "CREATE INDEX calls_unfinalized ON calls (instance_id) WHERE finalized_at IS NULL",
            """
            CREATE TABLE call_events (
              id bigserial PRIMARY KEY, call_id text NOT NULL, at timestamptz NOT NULL, kind text NOT NULL,
              detail text NOT NULL)
            """,
            "CREATE INDEX call_events_call ON call_events (call_id, at)",
            """
            CREATE TABLE webhook_bodies (id bigserial PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE webhook_deliveries (
              subject_id text NOT NULL, event text NOT NULL, received_at timestamptz NOT NULL, body_id bigint,
              event_index bigint, processed_at timestamptz, accepted_by text, PRIMARY KEY (subject_id, event))
            """,
            "CREATE INDEX webhook_deliveries_unprocessed ON webhook_deliveries (processed_at)",
            """
            CREATE TABLE outbox (
              id bigserial PRIMARY KEY, call_id text NOT NULL, rule_key text NOT NULL, phone_number_id text NOT NULL,
              recipient text NOT NULL, message_json text NOT NULL, status text NOT NULL, attempts bigint NOT NULL DEFAULT 0,
              created_at timestamptz NOT NULL, enqueued_at timestamptz NOT NULL, next_attempt_at timestamptz NOT NULL,
              last_attempt_at timestamptz, wamid text, error_code bigint, error_detail text,
              updated_at timestamptz NOT NULL, claimed_by text, lease_until timestamptz, UNIQUE (call_id, rule_key))
            """,
            "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
            "CREATE UNIQUE INDEX outbox_wamid ON outbox (wamid)",
            """
            CREATE TABLE instances (
              id text PRIMARY KEY, internal_url text NOT NULL, media_address text NOT NULL,
              started_at timestamptz NOT NULL, last_seen timestamptz NOT NULL, flow_versions text NOT NULL DEFAULT '')
            """,
        ]),
        // SQLite's v4 (recording consent) and `console` (indexes for the console's filters and funnel).
        ("pg2: recording consent, console indexes", [
            "ALTER TABLE calls ADD COLUMN recording_consent text",
            "CREATE INDEX calls_flow_received ON calls (flow, received_at)",
            "CREATE INDEX calls_flow_version ON calls (flow, flow_version)",
            "CREATE INDEX calls_number_received ON calls (phone_number_id, received_at)",
            "CREATE INDEX calls_caller_received ON calls (caller, received_at)",
            "CREATE INDEX calls_finalized ON calls (finalized_at)",
            "CREATE INDEX call_events_kind_call ON call_events (kind, call_id)",
        ]),
        // SQLite's v6 (call permissions, the calls we place) and v7 (calls to place later).
        ("pg3: outbound: permissions, outbound calls, scheduled calls", [
            """
            CREATE TABLE permissions (
              phone_number_id text NOT NULL, user_id text NOT NULL, status text NOT NULL, expires_at timestamptz,
              permission_json text, checked_at timestamptz, cache_until timestamptz,
              consecutive_unanswered bigint NOT NULL DEFAULT 0, last_request_at timestamptz,
              updated_at timestamptz NOT NULL, PRIMARY KEY (phone_number_id, user_id))
            """,
            """
            CREATE TABLE outbound_calls (
              id text PRIMARY KEY, phone_number_id text NOT NULL, recipient text NOT NULL, flow text NOT NULL,
              variables_json text, biz_opaque_callback_data text, wa_call_id text UNIQUE,
              created_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE scheduled_calls (
              id text PRIMARY KEY, phone_number_id text, recipient text NOT NULL, flow text NOT NULL,
              variables_json text, biz_opaque_callback_data text, origin text NOT NULL, origin_call_id text,
              campaign_id text, campaign_row bigint, dedupe_key text UNIQUE, not_before timestamptz NOT NULL,
              state text NOT NULL, attempts bigint NOT NULL DEFAULT 0, call_id text, last_result text,
              claimed_by text, claimed_until timestamptz, created_at timestamptz NOT NULL,
              updated_at timestamptz NOT NULL, UNIQUE (campaign_id, campaign_row))
            """,
            "CREATE INDEX scheduled_calls_due ON scheduled_calls (state, not_before)",
            "CREATE INDEX scheduled_calls_user ON scheduled_calls (recipient, state)",
        ]),
        // SQLite's v8: campaigns (their rows are `scheduled_calls` of origin campaign), and the index the
        // dialer's release of expired claims reads.
        ("pg4: campaigns", [
            """
            CREATE TABLE campaigns (
              id text PRIMARY KEY, name text, flow text NOT NULL, phone_number_id text, rate text NOT NULL,
              "window" text, time_zone text NOT NULL, max_attempts bigint NOT NULL, retry_after bigint NOT NULL,
              state text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX scheduled_calls_claims ON scheduled_calls (state, claimed_until)",
        ]),
    ]

    /// Applies what is missing, in order, in one transaction holding an advisory lock.
    static func migrate(_ client: PostgresClient, logger: Logger, summary: String) async throws {
        do {
            try await client.withConnection { conn in
                try await conn.query("BEGIN", logger: logger)
                do {
                    try await conn.query("SELECT pg_advisory_xact_lock(7472016)", logger: logger)
                    try await conn.query("CREATE TABLE IF NOT EXISTS ivr_migrations (identifier text PRIMARY KEY)",
                                         logger: logger)
                    let applied = try await conn.query("SELECT identifier FROM ivr_migrations", logger: logger)
                        .collect().map { try $0.decode(String.self) }
                    for (identifier, statements) in all where !applied.contains(identifier) {
                        for sql in statements { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                        try await conn.query("INSERT INTO ivr_migrations (identifier) VALUES (\(identifier))", logger: logger)
                    }
                } catch {
                    _ = try? await conn.query("ROLLBACK", logger: logger)
                    throw error
                }
                try await conn.query("COMMIT", logger: logger)
            }
        } catch {
            throw StoreError.migrationFailed(path: summary, reason: String(reflecting: error))
        }
    }
}
