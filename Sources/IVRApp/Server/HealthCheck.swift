import Store

/// What `/healthz` reports: `{"status":"ok","database":"ok","webhook_queue":0}` with 200, or
/// `"status":"unavailable"` with 503 when the database cannot be written. The status is an enum so
/// other states (draining during shutdown) slot in with their own HTTP code.
public struct HealthReport: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case ok
        case unavailable

        /// The HTTP status code that goes with it.
        public var httpCode: Int {
            switch self {
            case .ok: return 200
            case .unavailable: return 503
            }
        }
    }

    public var status: Status
    /// "ok" or "error".
    public var database: String
    /// Webhook events accepted and not yet fully handled.
    public var webhookQueue: Int

    public init(status: Status, database: String, webhookQueue: Int) {
        self.status = status
        self.database = database
        self.webhookQueue = webhookQueue
    }

    /// The JSON body, keys in a fixed order.
    public var json: String {
        #"{"status":"\#(status.rawValue)","database":"\#(database)","webhook_queue":\#(webhookQueue)}"#
    }
}

/// Checks that the store can take a write: `BEGIN IMMEDIATE` (which takes SQLite's write lock and
/// fails on a read-only or locked-out database), a read, then a rollback, so nothing is kept.
public enum HealthCheck {
    public static func run(store: any CallStore, webhookQueue: Int) async -> HealthReport {
        do {
            try await store.checkWritable()
            return HealthReport(status: .ok, database: "ok", webhookQueue: webhookQueue)
        } catch {
            return HealthReport(status: .unavailable, database: "error", webhookQueue: webhookQueue)
        }
    }
}
