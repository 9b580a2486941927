import Flow
import Foundation
import Wire
import Yams

/// The `http:` section (listener, body limit, timeouts, connection cap, failure limiter) and the
/// host lists of `flows.http_allow`.
extension ConfigLoader {
    static let httpKeys = ["host", "port", "max_body_bytes", "header_timeout_seconds", "body_timeout_seconds",
                           "idle_timeout_seconds", "max_connections", "auth_failure_burst", "auth_failures_per_minute",
                           "rate_limit_sources", "trusted_proxies"]

    static func applyHTTP(_ http: [String: Node], reader r: YAMLReader, to out: inout IVRConfig.HTTP) throws {
        if let v = try r.string(http["host"], "http.host") { out.host = v }
        if let v = try r.int(http["port"], "http.port", 1...65535) { out.port = v }
        if let v = try r.int(http["max_body_bytes"], "http.max_body_bytes", 1024...(64 << 20)) { out.maxBodyBytes = v }
        if let v = try r.int(http["header_timeout_seconds"], "http.header_timeout_seconds", 1...300) {
            out.headerTimeoutSeconds = v
        }
        if let v = try r.int(http["body_timeout_seconds"], "http.body_timeout_seconds", 1...600) { out.bodyTimeoutSeconds = v }
        if let v = try r.int(http["idle_timeout_seconds"], "http.idle_timeout_seconds", 1...3600) { out.idleTimeoutSeconds = v }
        if let v = try r.int(http["max_connections"], "http.max_connections", 1...100_000) { out.maxConnections = v }
        if let v = try r.int(http["auth_failure_burst"], "http.auth_failure_burst", 1...100_000) { out.authFailureBurst = v }
        if let v = try r.int(http["auth_failures_per_minute"], "http.auth_failures_per_minute", 1...1_000_000) {
            out.authFailuresPerMinute = v
        }
        if let v = try r.int(http["rate_limit_sources"], "http.rate_limit_sources", 16...10_000_000) {
            out.rateLimitSources = v
        }
        if let node = http["trusted_proxies"] {
            guard case let .sequence(items) = node else {
                throw r.error(node, "http.trusted_proxies: expected a list of IP addresses or blocks (10.0.0.0/8)")
            }
            var networks: [IPNetwork] = []
            for item in items {
                guard case let .scalar(s) = item, let network = IPNetwork(s.string.trimmingCharacters(in: .whitespaces)) else {
                    throw r.error(item, "http.trusted_proxies: '\(item.string ?? "")' is not an IP address or block "
                        + "(a.b.c.d, a.b.c.d/n, IPv6[/n])")
                }
                networks.append(network)
            }
            out.trustedProxies = TrustedProxies(networks)
        }
    }

    static func applyHTTP(environment env: [String: String], to out: inout IVRConfig.HTTP) throws {
        if let v = env["IVR_TRUSTED_PROXIES"] {
            let entries = v.split(separator: ",").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            switch TrustedProxies.parse(entries) {
            case let .success(proxies): out.trustedProxies = proxies
            case let .failure(bad):
                throw ConfigError(source: "IVR_TRUSTED_PROXIES",
                                  message: "'\(bad.text)' is not an IP address or block (comma-separated: 127.0.0.1,10.0.0.0/8)")
            }
        }
        if let v = env["IVR_HTTP_MAX_CONNECTIONS"], !v.isEmpty {
            guard let n = Int(v), (1...100_000).contains(n) else {
                throw ConfigError(source: "IVR_HTTP_MAX_CONNECTIONS", message: "expected a number of connections 1–100000, got '\(v)'")
            }
            out.maxConnections = n
        }
        if let v = env["IVR_HTTP_IDLE_TIMEOUT"], !v.isEmpty {
            guard let n = Int(v), (1...3600).contains(n) else {
                throw ConfigError(source: "IVR_HTTP_IDLE_TIMEOUT", message: "expected whole seconds 1–3600, got '\(v)'")
            }
            out.idleTimeoutSeconds = n
        }
    }

    /// A YAML list of host names or IP addresses (`api.example.com`, `*.example.com`, `10.0.0.5`, `[::1]`).
    static func hostList(_ node: Node, reader r: YAMLReader, path: String) throws -> [String] {
        guard case let .sequence(items) = node else {
            throw r.error(node, "\(path): expected a list of host names or IP addresses")
        }
        return try items.map { item in
            guard case let .scalar(s) = item, !s.string.isEmpty else {
                throw r.error(item, "\(path): expected a host name or IP address")
            }
            let host = s.string.lowercased()
            guard HostPattern(host) != nil else {
                throw r.error(item, "\(path): '\(s.string)' is not a host name, '*.' followed by a domain, or an IP address")
            }
            return host
        }
    }
}
