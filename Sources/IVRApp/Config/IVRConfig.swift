import WhatsApp

/// Everything the daemon needs, with embedded defaults so it starts with no file at all.
/// Sources, weakest first: defaults, the YAML file (`--config`), then `IVR_*` environment variables.
public struct IVRConfig: Sendable, Equatable {
    public struct HTTP: Sendable, Equatable {
        public var host = "0.0.0.0"
        public var port = 8080
        public var maxBodyBytes = 1 << 20
        /// A new connection's first request head (request line and headers) must be complete within this. On a
        /// kept-alive connection the idle timeout runs from the last response until the next head is complete.
        public var headerTimeoutSeconds = 10
        /// A request's body must arrive within this after its head.
        public var bodyTimeoutSeconds = 30
        /// A connection with no request in progress is closed after this. It counts from the last response to
        /// the next complete head: the bytes of a head trickled in do not reset it.
        public var idleTimeoutSeconds = 60
        /// Connections open at once; further ones wait in the kernel's accept queue.
        public var maxConnections = 512
        /// Failed (401, 400) webhook requests one source address may make in a burst...
        public var authFailureBurst = 20
        /// ...and per minute after that; beyond them it is answered 429 without its body being read.
        public var authFailuresPerMinute = 60
        /// Source addresses the failure limiter remembers (the least recently failing are forgotten first).
        public var rateLimitSources = 10_000
        /// Reverse proxies whose `X-Forwarded-For` names the client (`http.trusted_proxies`,
        /// `IVR_TRUSTED_PROXIES`); the failure limiters then key on the client, not on the proxy.
        public var trustedProxies = TrustedProxies()
        public init() {}
    }

    public struct WhatsAppSecrets: Sendable, Equatable {
        public var appSecret: String?
        public var verifyToken: String?
        public var accessToken: String?
    }

    public struct Graph: Sendable, Equatable {
        public var profile: GraphEndpoint.Profile = .meta
        public var baseURL: String?
        public var apiVersion = GraphEndpoint.defaultAPIVersion
        public var authHeader: String?
        public var callsPath: String?
        public var messagesPath: String?
        public var requestTimeoutMs = 10_000
        public var retryMaxAttempts = 5
        public var retryBaseDelayMs = 250
        public var retryMaxDelayMs = 8_000
        public var retryJitter = 0.5
        public var acceptWindowSeconds = 30
        /// A `Retry-After` from the API never makes a retry wait longer than this.
        public var maxRetryAfterSeconds = 30
        public init() {}
    }

    public struct Media: Sendable, Equatable {
        /// The address SDP answers advertise and media sockets send from; nil = decided at start.
        public var ip: String?
        /// Media ports, dealt to the event loops in turn; each is one socket shared by that loop's calls.
        public var ports: ClosedRange<Int> = 40000...40003
        /// One socket per call on a free port of `ports` instead (`IVR_MEDIA_SOCKETS=per-call`), for
        /// benchmark comparisons only.
        public var perCallSockets = false
        /// ICE and DTLS must complete within this after `pre_accept`, or the call is refused.
        public var connectTimeoutSeconds = 15
    }

    /// The follow-up outbox (`outbox:`): retries, polling, and the default follow-up rule.
    public struct Outbox: Sendable, Equatable {
        /// One template message after calls with the listed statuses (`outbox.followup`).
        public struct Followup: Sendable, Equatable {
            /// Call statuses that get the message: completed, failed, rejected.
            public var statuses: [String] = ["completed"]
            public var template = ""
            public var language = "en_US"
            public var ttlMinutes: Int?
            public var payload: String?
            public init() {}
        }

        public var maxAgeSeconds = 86_400
        public var baseDelayMs = 2_000
        public var maxDelayMs = 300_000
        public var jitter = 0.5
        public var pollIntervalMs = 5_000
        public var batchSize = 16
        /// Send nothing while true (`IVR_OUTBOX_PAUSED=1`): rows stay queued. Maintenance and durability tests.
        public var paused = false
        public var followup: Followup?
        public init() {}

        public var policy: OutboxPolicy {
            OutboxPolicy(backoff: RetryPolicy(baseDelay: .milliseconds(baseDelayMs), maxDelay: .milliseconds(maxDelayMs),
                                              jitter: jitter),
                         maxAge: .seconds(maxAgeSeconds), pollInterval: .milliseconds(pollIntervalMs),
                         batchSize: batchSize, paused: paused)
        }
    }

    /// Voice menus (PocketSphinx). Nil paths mean Debian's en-us model and dictionary.
    public struct Speech: Sendable, Equatable {
        public var model: String?
        public var dictionary: String?
        /// Concurrent recognitions; beyond it a menu takes keys only. Nil = the number of cores.
        public var maxConcurrent: Int?
    }

    public enum LogFormat: String, Sendable, Equatable { case text, json }

    /// The daemon's own life (`server:`).
    public struct Server: Sendable, Equatable {
        /// On SIGTERM/SIGINT, running calls get this long to finish before they are terminated.
        public var drainTimeoutSeconds = 30
        /// Calls alive at once; a `connect` beyond it is refused with `reject` (WhatsApp allows 1,000
        /// concurrent calls per business number).
        public var maxCalls = 1000
        /// Webhook events accepted but not yet processed; beyond it deliveries are answered 503.
        public var maxQueuedEvents = 10_000
        /// The longest a call may last, from its flow's start; then it is ended (`time_limit`).
        public var maxCallSeconds = 3600
    }

    /// The admin listener (`admin:`): `/metrics`, the full `/healthz`, the console and `/v1/…`.
    public struct Admin: Sendable, Equatable {
        /// Loopback by default: the admin surface is for the operator's machine or a private network.
        public var host = "127.0.0.1"
        public var port = 8081
        /// The bearer token (`IVR_ADMIN_TOKEN`). Without it only `/metrics` and `/healthz` are served,
        /// and only on a loopback address; the console and the API answer 403.
        public var token: String?

        public init(host: String = "127.0.0.1", port: Int = 8081, token: String? = nil) {
            self.host = host
            self.port = port
            self.token = token
        }

        /// Whether `host` is a loopback address (where an open `/metrics` is acceptable).
        public var isLoopback: Bool {
            host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
        }
    }

    public var server = Server()

    /// This process among several sharing one PostgreSQL store (`instance:`). Unused with SQLite.
    public struct Instance: Sendable, Equatable {
        /// Unique per instance; defaults to the host name and the HTTP port.
        public var id: String?
        /// Where the other instances reach this one's HTTP server (forwarded webhooks). Defaults to
        /// `http://<http.host>:<http.port>` (a wildcard host becomes 127.0.0.1).
        public var internalURL: String?
        /// An instance whose heartbeat is older than this is dead: its calls are finalized by a survivor.
        public var leaseSeconds = 15
        /// A claimed outbox row comes back to the pool when its claimant has not finished it by then.
        public var outboxLeaseSeconds = 60
    }
    public var http = HTTP()
    public var admin = Admin()
    /// Calls we place (`outbound:`).
    public var outbound = Outbound()
    public var whatsapp = WhatsAppSecrets()
    public var graph = Graph()
    public var database = "var/ivr.sqlite"
    /// `database.url` / `IVR_DATABASE_URL`: a `postgres://` URL puts the store on PostgreSQL (several
    /// instances may share it); unset, the SQLite file `database` is used.
    public var databaseURL: String?
    public var instance = Instance()
    public var flowsDirectory = "Flows"
    public var defaultFlow: String?
    public var promptsDirectory = "Prompts"
    /// Hosts every flow's `http` steps may call (`flows.http_allow`), added to each flow's own `http_allow`.
    public var flowHTTPAllow: [String] = []
    public var media = Media()
    public var speech = Speech()
    public var outbox = Outbox()
    public var retention = Retention()
    public var logLevel = "info"
    public var logFormat = LogFormat.text

    public init() {}

    /// The Graph endpoint for the configured profile.
    public var graphEndpoint: GraphEndpoint {
        let token = whatsapp.accessToken ?? ""
        switch graph.profile {
        case .meta:
            var e = GraphEndpoint.meta(baseURL: graph.baseURL ?? GraphEndpoint.defaultMetaBaseURL,
                                       apiVersion: graph.apiVersion, accessToken: token)
            if let h = graph.authHeader { e.authHeaderName = h; e.authHeaderValue = token }
            if let p = graph.callsPath { e.callsPath = p }
            if let p = graph.messagesPath { e.messagesPath = p }
            return e
        case .bsp:
            var e = GraphEndpoint.bsp(baseURL: graph.baseURL ?? "", apiKey: token)
            e.apiVersion = graph.apiVersion
            if let h = graph.authHeader { e.authHeaderName = h }
            if let p = graph.callsPath { e.callsPath = p }
            if let p = graph.messagesPath { e.messagesPath = p }
            return e
        }
    }

    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: graph.retryMaxAttempts, baseDelay: .milliseconds(graph.retryBaseDelayMs),
                    maxDelay: .milliseconds(graph.retryMaxDelayMs), jitter: graph.retryJitter)
    }

    /// Settings that are missing for real traffic, by the environment variable that sets each.
    public var missingSecrets: [String] {
        var out: [String] = []
        if whatsapp.appSecret?.isEmpty ?? true { out.append("IVR_APP_SECRET") }
        if whatsapp.verifyToken?.isEmpty ?? true { out.append("IVR_VERIFY_TOKEN") }
        if whatsapp.accessToken?.isEmpty ?? true { out.append("IVR_ACCESS_TOKEN") }
        return out
    }
}
