import Foundation
import WhatsApp
import Yams

/// Reads `IVRConfig` from YAML and the environment, with precise errors (file:line, unknown keys
/// with a suggestion, wrong types, bad environment values).
public enum ConfigLoader {
    /// Environment variables that override the file, and what each sets.
    public static let environmentKeys = [
        "IVR_APP_SECRET", "IVR_ACCESS_TOKEN", "IVR_VERIFY_TOKEN", "IVR_GRAPH_URL", "IVR_GRAPH_PROFILE",
        "IVR_GRAPH_VERSION", "IVR_HTTP_HOST", "IVR_HTTP_PORT", "IVR_DB", "IVR_FLOWS", "IVR_DEFAULT_FLOW",
        "IVR_PROMPTS", "IVR_MEDIA_IP", "IVR_MEDIA_PORTS", "IVR_MEDIA_SOCKETS", "IVR_MEDIA_CONNECT_TIMEOUT", "IVR_LOG_LEVEL", "IVR_LOG_FORMAT",
        "IVR_OUTBOX_PAUSED", "IVR_SPEECH_MODEL", "IVR_SPEECH_DICTIONARY", "IVR_DRAIN_TIMEOUT", "IVR_MAX_CALLS",
        "IVR_HTTP_MAX_CONNECTIONS", "IVR_HTTP_IDLE_TIMEOUT", "IVR_ADMIN_TOKEN", "IVR_ADMIN_HOST", "IVR_ADMIN_PORT",
        "IVR_DATABASE_URL", "IVR_INSTANCE_ID", "IVR_INTERNAL_URL", "IVR_INSTANCE_LEASE", "IVR_TRUSTED_PROXIES",
    ]

    public static func load(path: String?, environment: [String: String]) throws -> IVRConfig {
        var config = IVRConfig()
        if let path {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigError(source: path, message: "cannot read the file: \(error.localizedDescription)")
            }
            try apply(yaml: text, source: path, to: &config)
        }
        try apply(environment: environment, to: &config)
        try checkAdmin(config.admin)
        return config
    }

    public static func apply(yaml text: String, source: String, to config: inout IVRConfig) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(source: source, line: error.line, message: "YAML syntax error: \(error.shortDescription)")
        }
        guard let root else { return }
        let r = YAMLReader(source: source)
        let top = try r.mapping(root, path: "", keys: ["http", "whatsapp", "graph", "storage", "flows", "prompts",
                                                      "media", "log", "outbox", "speech", "server", "admin", "retention",
                                                      "database", "instance", "outbound"])
        if let server = try top["server"].map({ try r.mapping($0, path: "server", keys: ["drain_timeout", "max_calls", "max_queued_events",
                                                                                           "max_call_seconds"]) }) {
            if let v = try r.int(server["drain_timeout"], "server.drain_timeout", 0...3600) {
                config.server.drainTimeoutSeconds = v
            }
            if let v = try r.int(server["max_calls"], "server.max_calls", 1...100_000) { config.server.maxCalls = v }
            if let v = try r.int(server["max_queued_events"], "server.max_queued_events", 1...1_000_000) {
                config.server.maxQueuedEvents = v
            }
            if let v = try r.int(server["max_call_seconds"], "server.max_call_seconds", 60...86_400) {
                config.server.maxCallSeconds = v
            }
        }
        if let http = try top["http"].map({ try r.mapping($0, path: "http", keys: httpKeys) }) {
            try applyHTTP(http, reader: r, to: &config.http)
        }
        if let admin = try top["admin"].map({ try r.mapping($0, path: "admin", keys: adminKeys) }) {
            try applyAdmin(admin, reader: r, to: &config.admin)
        }
        if let outbound = try top["outbound"].map({ try r.mapping($0, path: "outbound", keys: outboundKeys) }) {
            try applyOutbound(outbound, reader: r, to: &config.outbound)
        }
        if let node = top["retention"] { try applyRetention(node, reader: r, to: &config.retention) }
        if let w = try top["whatsapp"].map({
            try r.mapping($0, path: "whatsapp", keys: ["app_secret", "verify_token", "access_token"])
        }) {
            if let v = try r.string(w["app_secret"], "whatsapp.app_secret"), !v.isEmpty { config.whatsapp.appSecret = v }
            if let v = try r.string(w["verify_token"], "whatsapp.verify_token"), !v.isEmpty { config.whatsapp.verifyToken = v }
            if let v = try r.string(w["access_token"], "whatsapp.access_token"), !v.isEmpty { config.whatsapp.accessToken = v }
        }
        if let g = try top["graph"].map({
            try r.mapping($0, path: "graph", keys: ["profile", "base_url", "api_version", "auth_header", "calls_path",
                                                   "messages_path", "request_timeout_ms", "retry", "accept_window_seconds",
                                                   "max_retry_after_seconds"])
        }) {
            if let v = try r.string(g["profile"], "graph.profile") {
                guard let p = GraphEndpoint.Profile(rawValue: v) else {
                    throw r.error(g["profile"], "graph.profile: expected 'meta' or 'bsp', found '\(v)'")
                }
                config.graph.profile = p
            }
            if let v = try r.string(g["base_url"], "graph.base_url"), !v.isEmpty { config.graph.baseURL = v }
            if let v = try r.string(g["api_version"], "graph.api_version") { config.graph.apiVersion = v }
            if let v = try r.string(g["auth_header"], "graph.auth_header"), !v.isEmpty { config.graph.authHeader = v }
            if let v = try r.string(g["calls_path"], "graph.calls_path"), !v.isEmpty { config.graph.callsPath = v }
            if let v = try r.string(g["messages_path"], "graph.messages_path"), !v.isEmpty { config.graph.messagesPath = v }
            if let v = try r.int(g["request_timeout_ms"], "graph.request_timeout_ms", 100...120_000) {
                config.graph.requestTimeoutMs = v
            }
            if let v = try r.int(g["accept_window_seconds"], "graph.accept_window_seconds", 1...120) {
                config.graph.acceptWindowSeconds = v
            }
            if let v = try r.int(g["max_retry_after_seconds"], "graph.max_retry_after_seconds", 0...3600) {
                config.graph.maxRetryAfterSeconds = v
            }
            if let retry = try g["retry"].map({
                try r.mapping($0, path: "graph.retry", keys: ["max_attempts", "base_delay_ms", "max_delay_ms", "jitter"])
            }) {
                if let v = try r.int(retry["max_attempts"], "graph.retry.max_attempts", 1...20) { config.graph.retryMaxAttempts = v }
                if let v = try r.int(retry["base_delay_ms"], "graph.retry.base_delay_ms", 1...60_000) { config.graph.retryBaseDelayMs = v }
                if let v = try r.int(retry["max_delay_ms"], "graph.retry.max_delay_ms", 1...300_000) { config.graph.retryMaxDelayMs = v }
                if let v = try r.double(retry["jitter"], "graph.retry.jitter", 0...1) { config.graph.retryJitter = v }
            }
        }
        if let s = try top["storage"].map({ try r.mapping($0, path: "storage", keys: ["db"]) }) {
            if let v = try r.string(s["db"], "storage.db") { config.database = v }
        }
        if let d = try top["database"].map({ try r.mapping($0, path: "database", keys: ["url"]) }) {
            if let v = try r.string(d["url"], "database.url"), !v.isEmpty { config.databaseURL = v }
        }
        if let i = try top["instance"].map({
            try r.mapping($0, path: "instance", keys: ["id", "internal_url", "lease_seconds", "outbox_lease_seconds"])
        }) {
            if let v = try r.string(i["id"], "instance.id"), !v.isEmpty { config.instance.id = v }
            if let v = try r.string(i["internal_url"], "instance.internal_url"), !v.isEmpty { config.instance.internalURL = v }
            if let v = try r.int(i["lease_seconds"], "instance.lease_seconds", 2...3600) { config.instance.leaseSeconds = v }
            if let v = try r.int(i["outbox_lease_seconds"], "instance.outbox_lease_seconds", 5...3600) {
                config.instance.outboxLeaseSeconds = v
            }
        }
        if let f = try top["flows"].map({ try r.mapping($0, path: "flows", keys: ["dir", "default", "http_allow"]) }) {
            if let v = try r.string(f["dir"], "flows.dir") { config.flowsDirectory = v }
            if let v = try r.string(f["default"], "flows.default"), !v.isEmpty { config.defaultFlow = v }
            if let node = f["http_allow"] { config.flowHTTPAllow = try hostList(node, reader: r, path: "flows.http_allow") }
        }
        if let p = try top["prompts"].map({ try r.mapping($0, path: "prompts", keys: ["dir"]) }) {
            if let v = try r.string(p["dir"], "prompts.dir") { config.promptsDirectory = v }
        }
        if let m = try top["media"].map({ try r.mapping($0, path: "media", keys: ["ip", "ports", "connect_timeout_seconds"]) }) {
            if let v = try r.string(m["ip"], "media.ip"), !v.isEmpty { config.media.ip = v }
            if let v = try r.string(m["ports"], "media.ports") {
                guard let range = parsePorts(v) else {
                    throw r.error(m["ports"], "media.ports: expected a range like 40000-40999 within 1024–65535, found '\(v)'")
                }
                config.media.ports = range
            }
            if let v = try r.int(m["connect_timeout_seconds"], "media.connect_timeout_seconds", 1...60) {
                config.media.connectTimeoutSeconds = v
            }
        }
        if let o = try top["outbox"].map({
            try r.mapping($0, path: "outbox", keys: ["max_age_seconds", "base_delay_ms", "max_delay_ms", "jitter",
                                                    "poll_interval_ms", "batch_size", "paused", "followup"])
        }) {
            try applyOutbox(o, reader: r, to: &config.outbox)
        }
        if let sp = try top["speech"].map({ try r.mapping($0, path: "speech", keys: ["model", "dictionary", "max_concurrent"]) }) {
            if let v = try r.string(sp["model"], "speech.model"), !v.isEmpty { config.speech.model = v }
            if let v = try r.string(sp["dictionary"], "speech.dictionary"), !v.isEmpty { config.speech.dictionary = v }
            if let v = try r.int(sp["max_concurrent"], "speech.max_concurrent", 1...1024) { config.speech.maxConcurrent = v }
        }
        if let l = try top["log"].map({ try r.mapping($0, path: "log", keys: ["level", "format"]) }) {
            if let v = try r.string(l["level"], "log.level") {
                guard logLevels.contains(v) else {
                    throw r.error(l["level"], "log.level: expected one of \(logLevels.joined(separator: ", ")), found '\(v)'")
                }
                config.logLevel = v
            }
            if let v = try r.string(l["format"], "log.format") {
                guard let f = IVRConfig.LogFormat(rawValue: v) else {
                    throw r.error(l["format"], "log.format: expected 'text' or 'json', found '\(v)'")
                }
                config.logFormat = f
            }
        }
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public static func apply(environment env: [String: String], to config: inout IVRConfig) throws {
        func value(_ key: String) -> String? {
            guard let v = env[key], !v.isEmpty else { return nil }
            return v
        }
        if let v = value("IVR_APP_SECRET") { config.whatsapp.appSecret = v }
        if let v = value("IVR_ACCESS_TOKEN") { config.whatsapp.accessToken = v }
        if let v = value("IVR_VERIFY_TOKEN") { config.whatsapp.verifyToken = v }
        if let v = value("IVR_GRAPH_URL") { config.graph.baseURL = v }
        if let v = value("IVR_GRAPH_VERSION") { config.graph.apiVersion = v }
        if let v = value("IVR_GRAPH_PROFILE") {
            guard let p = GraphEndpoint.Profile(rawValue: v) else {
                throw ConfigError(source: "IVR_GRAPH_PROFILE", message: "expected 'meta' or 'bsp', got '\(v)'")
            }
            config.graph.profile = p
        }
        if let v = value("IVR_HTTP_HOST") { config.http.host = v }
        if let v = value("IVR_HTTP_PORT") {
            guard let port = Int(v), (0...65535).contains(port) else {
                throw ConfigError(source: "IVR_HTTP_PORT", message: "expected a port number 0–65535, got '\(v)'")
            }
            config.http.port = port
        }
        if let v = value("IVR_DB") { config.database = v }
        if let v = value("IVR_DATABASE_URL") { config.databaseURL = v }
        if let v = value("IVR_INSTANCE_ID") { config.instance.id = v }
        if let v = value("IVR_INTERNAL_URL") { config.instance.internalURL = v }
        if let v = value("IVR_INSTANCE_LEASE") {
            guard let seconds = Int(v), (2...3600).contains(seconds) else {
                throw ConfigError(source: "IVR_INSTANCE_LEASE", message: "expected whole seconds 2–3600, got '\(v)'")
            }
            config.instance.leaseSeconds = seconds
        }
        if let v = value("IVR_FLOWS") { config.flowsDirectory = v }
        if let v = value("IVR_DEFAULT_FLOW") { config.defaultFlow = v }
        if let v = value("IVR_PROMPTS") { config.promptsDirectory = v }
        if let v = value("IVR_MEDIA_IP") { config.media.ip = v }
        if let v = value("IVR_MEDIA_PORTS") {
            guard let range = parsePorts(v) else {
                throw ConfigError(source: "IVR_MEDIA_PORTS",
                                  message: "expected a range like 40000-40999 within 1024–65535, got '\(v)'")
            }
            config.media.ports = range
        }
        try applyHTTP(environment: env, to: &config.http)
        try applyAdmin(environment: env, to: &config.admin)
        try applyOutbound(environment: env, to: &config.outbound)
        if let v = value("IVR_MEDIA_SOCKETS") {
            switch v {
            case "shared": config.media.perCallSockets = false
            case "per-call": config.media.perCallSockets = true
            default: throw ConfigError(source: "IVR_MEDIA_SOCKETS", message: "expected 'shared' or 'per-call', got '\(v)'")
            }
        }
        if let v = value("IVR_MEDIA_CONNECT_TIMEOUT") {
            guard let seconds = Int(v), (1...60).contains(seconds) else {
                throw ConfigError(source: "IVR_MEDIA_CONNECT_TIMEOUT", message: "expected whole seconds 1–60, got '\(v)'")
            }
            config.media.connectTimeoutSeconds = seconds
        }
        if let v = value("IVR_DRAIN_TIMEOUT") {
            guard let seconds = Int(v), (0...3600).contains(seconds) else {
                throw ConfigError(source: "IVR_DRAIN_TIMEOUT", message: "expected whole seconds 0–3600, got '\(v)'")
            }
            config.server.drainTimeoutSeconds = seconds
        }
        if let v = value("IVR_MAX_CALLS") {
            guard let n = Int(v), (1...100_000).contains(n) else {
                throw ConfigError(source: "IVR_MAX_CALLS", message: "expected a whole number 1–100000, got '\(v)'")
            }
            config.server.maxCalls = n
        }
        if let v = value("IVR_MAX_CALL_SECONDS") {
            guard let n = Int(v), (60...86_400).contains(n) else {
                throw ConfigError(source: "IVR_MAX_CALL_SECONDS", message: "expected whole seconds 60–86400, got '\(v)'")
            }
            config.server.maxCallSeconds = n
        }
        if let v = value("IVR_SPEECH_MODEL") { config.speech.model = v }
        if let v = value("IVR_SPEECH_DICTIONARY") { config.speech.dictionary = v }
        if let v = value("IVR_LOG_LEVEL") {
            guard logLevels.contains(v) else {
                throw ConfigError(source: "IVR_LOG_LEVEL", message: "expected one of \(logLevels.joined(separator: ", ")), got '\(v)'")
            }
            config.logLevel = v
        }
        if let v = value("IVR_OUTBOX_PAUSED") {
            guard let b = parseBool(v) else {
                throw ConfigError(source: "IVR_OUTBOX_PAUSED", message: "expected true or false (1 or 0), got '\(v)'")
            }
            config.outbox.paused = b
        }
        if let v = value("IVR_LOG_FORMAT") {
            guard let f = IVRConfig.LogFormat(rawValue: v) else {
                throw ConfigError(source: "IVR_LOG_FORMAT", message: "expected 'text' or 'json', got '\(v)'")
            }
            config.logFormat = f
        }
    }

    static func applyOutbox(_ o: [String: Node], reader r: YAMLReader, to out: inout IVRConfig.Outbox) throws {
        if let v = try r.int(o["max_age_seconds"], "outbox.max_age_seconds", 1...(30 * 86_400)) { out.maxAgeSeconds = v }
        if let v = try r.int(o["base_delay_ms"], "outbox.base_delay_ms", 1...3_600_000) { out.baseDelayMs = v }
        if let v = try r.int(o["max_delay_ms"], "outbox.max_delay_ms", 1...86_400_000) { out.maxDelayMs = v }
        if let v = try r.double(o["jitter"], "outbox.jitter", 0...1) { out.jitter = v }
        if let v = try r.int(o["poll_interval_ms"], "outbox.poll_interval_ms", 10...3_600_000) { out.pollIntervalMs = v }
        if let v = try r.int(o["batch_size"], "outbox.batch_size", 1...1000) { out.batchSize = v }
        if let v = try r.string(o["paused"], "outbox.paused") {
            guard let b = parseBool(v) else { throw r.error(o["paused"], "outbox.paused: expected true or false, found '\(v)'") }
            out.paused = b
        }
        guard let node = o["followup"] else { return }
        let f = try r.mapping(node, path: "outbox.followup", keys: ["on", "template", "language", "ttl_minutes", "payload"])
        var rule = IVRConfig.Outbox.Followup()
        guard let template = try r.string(f["template"], "outbox.followup.template"), !template.isEmpty else {
            throw r.error(node, "outbox.followup.template: the name of an approved template with a voice_call button is required")
        }
        rule.template = template
        if let v = try r.string(f["language"], "outbox.followup.language"), !v.isEmpty { rule.language = v }
        if let v = try r.int(f["ttl_minutes"], "outbox.followup.ttl_minutes", OutboundMessage.ttlRange) { rule.ttlMinutes = v }
        if let v = try r.string(f["payload"], "outbox.followup.payload") {
            guard v.count <= OutboundMessage.payloadMax else {
                throw r.error(f["payload"], "outbox.followup.payload: at most \(OutboundMessage.payloadMax) characters, found \(v.count)")
            }
            rule.payload = v
        }
        if let on = f["on"] {
            let allowed = ["completed", "failed", "rejected"]
            guard case let .sequence(items) = on else {
                throw r.error(on, "outbox.followup.on: expected a list of call statuses (\(allowed.joined(separator: ", ")))")
            }
            rule.statuses = try items.map { item in
                guard case let .scalar(s) = item, allowed.contains(s.string) else {
                    throw r.error(item, "outbox.followup.on: expected one of \(allowed.joined(separator: ", ")), found '\(item.string ?? "?")'")
                }
                return s.string
            }
        }
        out.followup = rule
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    /// "40000-40999" (or a single port) → a range within 1024–65535.
    public static func parsePorts(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard (1...2).contains(parts.count), let lo = Int(parts[0]), let hi = Int(parts.last ?? "") else { return nil }
        guard lo >= 1024, hi <= 65535, lo <= hi else { return nil }
        return lo...hi
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return nil
        }
    }

    var shortDescription: String {
        switch self {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return "\(ctx)\(problem) (column \(mark.column))"
        default:
            return "\(self)"
        }
    }
}
