import Store

/// What `/healthz` reports: `{"status":"ok","database":"ok","webhook_queue":0,"flows":{"main":"3f1c…"}}`
/// with 200, or `"status":"unavailable"` with 503 when the database cannot be written. `flows` is each
/// loaded flow's version (12 hex characters of its hash) and `instance` this instance's id when several
/// share PostgreSQL, so an operator can see two instances running different versions. The status is an
/// enum so other states (draining during shutdown) slot in with their own HTTP code.
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
    /// This instance's id (`instance.id`) when it is one of several on PostgreSQL, else nil (not written).
    public var instance: String?
    /// The flows loaded: name → version.
    public var flows: [String: String]

    public init(status: Status, database: String, webhookQueue: Int, instance: String? = nil,
                flows: [String: String] = [:]) {
        self.status = status
        self.database = database
        self.webhookQueue = webhookQueue
        self.instance = instance
        self.flows = flows
    }

    /// The JSON body, keys in a fixed order.
    public var json: String {
        var out = #"{"status":"\#(status.rawValue)","database":"\#(database)","webhook_queue":\#(webhookQueue)"#
        if let instance { out += #","instance":\#(Self.quoted(instance))"# }
        out += #","flows":{"# + flows.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }.joined(separator: ",")
        return out + "}}"
    }

    /// A JSON string literal (flow names and instance ids come from files and configuration).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The report from the write test's result (`WriteProbe` runs `checkWritable`: `BEGIN IMMEDIATE`, which takes
/// SQLite's write lock and fails on a read-only or locked-out database, a read, then a rollback).
public enum HealthCheck {
    public static func report(writable: Bool, webhookQueue: Int, instance: String? = nil,
                              flows: [String: String] = [:]) -> HealthReport {
        HealthReport(status: writable ? .ok : .unavailable, database: writable ? "ok" : "error",
                     webhookQueue: webhookQueue, instance: instance, flows: flows)
    }
}
