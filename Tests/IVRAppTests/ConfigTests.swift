import Foundation
import IVRApp
import IVRTesting
import Testing
import WhatsApp

@Suite struct ConfigTests {
    @Test func defaultsNeedNoFile() throws {
        let c = try ConfigLoader.load(path: nil, environment: [:])
        #expect(c.http.port == 8080)
        #expect(c.database == "var/ivr.sqlite")
        #expect(c.flowsDirectory == "Flows")
        #expect(c.promptsDirectory == "Prompts")
        #expect(c.missingSecrets == ["IVR_APP_SECRET", "IVR_VERIFY_TOKEN", "IVR_ACCESS_TOKEN"])
    }

    @Test func theExampleConfigLoads() throws {
        let path = Fixtures.repositoryRoot().appendingPathComponent("Deploy/ivr.example.yaml").path
        let c = try ConfigLoader.load(path: path, environment: [:])
        #expect(c.http.port == 8080)
        #expect(c.graph.profile == .meta)
        #expect(c.graph.retryMaxAttempts == 5)
        #expect(c.media.ports == 40000...40003)
        #expect(c.whatsapp.appSecret == nil)
        // Every limit the file documents is its default.
        #expect(c.http == IVRConfig.HTTP())
        #expect(c.graph.maxRetryAfterSeconds == IVRConfig.Graph().maxRetryAfterSeconds)
        #expect(c.flowHTTPAllow == [])
    }

    @Test func edgeLimitsLoadFromTheFileAndTheEnvironment() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: """
            http:
              header_timeout_seconds: 3
              body_timeout_seconds: 4
              idle_timeout_seconds: 5
              max_connections: 6
              auth_failure_burst: 7
              auth_failures_per_minute: 8
              rate_limit_sources: 900
            graph:
              max_retry_after_seconds: 0
            flows:
              http_allow: [API.example.com, "*.internal.example", 10.0.0.5, "[::1]"]
            """, source: "c.yaml", to: &c)
        #expect(c.http.headerTimeoutSeconds == 3)
        #expect(c.http.bodyTimeoutSeconds == 4)
        #expect(c.http.idleTimeoutSeconds == 5)
        #expect(c.http.maxConnections == 6)
        #expect(c.http.authFailureBurst == 7)
        #expect(c.http.authFailuresPerMinute == 8)
        #expect(c.http.rateLimitSources == 900)
        #expect(c.graph.maxRetryAfterSeconds == 0)
        #expect(c.flowHTTPAllow == ["api.example.com", "*.internal.example", "10.0.0.5", "[::1]"])
        try ConfigLoader.apply(environment: ["IVR_HTTP_MAX_CONNECTIONS": "64", "IVR_HTTP_IDLE_TIMEOUT": "2"], to: &c)
        #expect(c.http.maxConnections == 64)
        #expect(c.http.idleTimeoutSeconds == 2)
    }

    @Test func edgeLimitsOutOfRangeAreNamed() {
        var c = IVRConfig()
        #expect(throws: ConfigError(source: "f.yaml", line: 2, message: "http.idle_timeout_seconds: 0 is outside 1…3600")) {
            try ConfigLoader.apply(yaml: "http:\n  idle_timeout_seconds: 0\n", source: "f.yaml", to: &c)
        }
        #expect(throws: ConfigError(source: "f.yaml", line: 2,
                                    message: "graph.max_retry_after_seconds: expected an integer, found '1e300'")) {
            try ConfigLoader.apply(yaml: "graph:\n  max_retry_after_seconds: 1e300\n", source: "f.yaml", to: &c)
        }
        #expect(throws: ConfigError(source: "f.yaml", line: 2,
                                    message: "flows.http_allow: 'a b' is not a host name, '*.' followed by a domain, or an IP address")) {
            try ConfigLoader.apply(yaml: "flows:\n  http_allow: [\"a b\"]\n", source: "f.yaml", to: &c)
        }
        #expect(throws: ConfigError(source: "IVR_HTTP_MAX_CONNECTIONS", message: "expected a number of connections 1–100000, got '0'")) {
            try ConfigLoader.apply(environment: ["IVR_HTTP_MAX_CONNECTIONS": "0"], to: &c)
        }
        #expect(throws: ConfigError(source: "IVR_HTTP_IDLE_TIMEOUT", message: "expected whole seconds 1–3600, got '9223372036854775808'")) {
            try ConfigLoader.apply(environment: ["IVR_HTTP_IDLE_TIMEOUT": "9223372036854775808"], to: &c)
        }
    }

    @Test func environmentWinsOverTheFile() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: "http:\n  port: 9000\nstorage:\n  db: a.sqlite\n", source: "c.yaml", to: &c)
        try ConfigLoader.apply(environment: [
            "IVR_HTTP_PORT": "9100", "IVR_DB": "b.sqlite", "IVR_APP_SECRET": "s", "IVR_VERIFY_TOKEN": "v",
            "IVR_ACCESS_TOKEN": "t", "IVR_GRAPH_URL": "http://127.0.0.1:1", "IVR_FLOWS": "F", "IVR_PROMPTS": "P",
            "IVR_MEDIA_IP": "192.0.2.1", "IVR_MEDIA_PORTS": "50000-50010",
        ], to: &c)
        #expect(c.http.port == 9100)
        #expect(c.database == "b.sqlite")
        #expect(c.missingSecrets.isEmpty)
        #expect(c.graphEndpoint.callsURL(phoneNumberID: "7") == "http://127.0.0.1:1/v23.0/7/calls")
        #expect(c.graphEndpoint.authHeaderValue == "Bearer t")
        #expect(c.flowsDirectory == "F" && c.promptsDirectory == "P")
        #expect(c.media.ip == "192.0.2.1" && c.media.ports == 50000...50010)
    }

    @Test func bspProfileFromFile() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: """
            graph:
              profile: bsp
              base_url: https://waba-v2.360dialog.io
            whatsapp:
              access_token: KEY
            """, source: "c.yaml", to: &c)
        let e = c.graphEndpoint
        #expect(e.callsURL(phoneNumberID: "1") == "https://waba-v2.360dialog.io/calling/calls")
        #expect(e.authHeaderName == "D360-API-KEY" && e.authHeaderValue == "KEY")
    }

    @Test func unknownKeysAreNamedWithLineAndSuggestion() {
        var c = IVRConfig()
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.apply(yaml: "http:\n  host: 0.0.0.0\n  prot: 80\n", source: "ivr.yaml", to: &c)
        }
        #expect(error?.description == "ivr.yaml:3: unknown key 'prot' in 'http' (did you mean 'port'?); expected one of: host, port, max_body_bytes, header_timeout_seconds, body_timeout_seconds, idle_timeout_seconds, max_connections, auth_failure_burst, auth_failures_per_minute, rate_limit_sources, trusted_proxies")
    }

    @Test func wrongTypesAndRangesAreNamed() {
        var c = IVRConfig()
        #expect(throws: ConfigError(source: "f.yaml", line: 2, message: "http.port: expected an integer, found 'eighty'")) {
            try ConfigLoader.apply(yaml: "http:\n  port: eighty\n", source: "f.yaml", to: &c)
        }
        #expect(throws: ConfigError(source: "f.yaml", line: 2, message: "http.port: 70000 is outside 1…65535")) {
            try ConfigLoader.apply(yaml: "http:\n  port: 70000\n", source: "f.yaml", to: &c)
        }
        #expect(throws: ConfigError.self) { try ConfigLoader.apply(yaml: "http: [1, 2\n", source: "f.yaml", to: &c) }
    }

    @Test func badEnvironmentValuesAreNamed() {
        var c = IVRConfig()
        #expect(throws: ConfigError(source: "IVR_HTTP_PORT", message: "expected a port number 0–65535, got 'abc'")) {
            try ConfigLoader.apply(environment: ["IVR_HTTP_PORT": "abc"], to: &c)
        }
        #expect(throws: ConfigError.self) { try ConfigLoader.apply(environment: ["IVR_MEDIA_PORTS": "5-3"], to: &c) }
        #expect(ConfigLoader.parsePorts("40000-40999") == 40000...40999)
        #expect(ConfigLoader.parsePorts("41000") == 41000...41000)
        #expect(ConfigLoader.parsePorts("80-90") == nil)
    }

    @Test func trustedProxiesFromTheFileAndTheEnvironmentWhichWins() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: "http:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8]\n", source: "f.yaml", to: &c)
        #expect(c.http.trustedProxies.networks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8"])
        try ConfigLoader.apply(environment: ["IVR_TRUSTED_PROXIES": "::1, 172.16.0.0/12"], to: &c)
        #expect(c.http.trustedProxies.networks.map(\.description) == ["::1/128", "172.16.0.0/12"])
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.apply(yaml: "http:\n  trusted_proxies: [127.0.0.1, nginx]\n", source: "f.yaml", to: &c)
        }
        #expect(error?.description == "f.yaml:2: http.trusted_proxies: 'nginx' is not an IP address or block (a.b.c.d, a.b.c.d/n, IPv6[/n])")
        #expect(throws: ConfigError(source: "IVR_TRUSTED_PROXIES",
                                    message: "'10.0.0.0/40' is not an IP address or block (comma-separated: 127.0.0.1,10.0.0.0/8)")) {
            try ConfigLoader.apply(environment: ["IVR_TRUSTED_PROXIES": "10.0.0.0/40"], to: &c)
        }
    }

    @Test func theLongestACallMayLastLoadsAndIsRangeChecked() throws {
        var c = IVRConfig()
        #expect(c.server.maxCallSeconds == 3600)
        try ConfigLoader.apply(yaml: "server:\n  max_call_seconds: 7200\n", source: "c.yaml", to: &c)
        #expect(c.server.maxCallSeconds == 7200)
        try ConfigLoader.apply(environment: ["IVR_MAX_CALL_SECONDS": "900"], to: &c)
        #expect(c.server.maxCallSeconds == 900)
        #expect(throws: ConfigError(source: "f.yaml", line: 2, message: "server.max_call_seconds: 59 is outside 60…86400")) {
            try ConfigLoader.apply(yaml: "server:\n  max_call_seconds: 59\n", source: "f.yaml", to: &c)
        }
        #expect(throws: ConfigError(source: "IVR_MAX_CALL_SECONDS", message: "expected whole seconds 60–86400, got '1e9'")) {
            try ConfigLoader.apply(environment: ["IVR_MAX_CALL_SECONDS": "1e9"], to: &c)
        }
    }
}
