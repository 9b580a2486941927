import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IVRApp
import NIOCore
import Testing

/// The admin listener: `/metrics` and the full `/healthz`, behind the bearer token when one is set,
/// and the console/API refused when none is.
@Suite struct AdminListenerTests {
    static let token = "admin-token-for-tests-0123456789"

    struct Echo: AdminRoutes {
        func add(to router: Router<IVRRequestContext>) {
            router.get("v1/echo") { _, _ in "echo\n" }
        }
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, bearer: String? = nil) async throws
        -> (HTTPResponse.Status, String, HTTPFields) {
        var headers = HTTPFields()
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        return try await client.execute(uri: uri, method: .get, headers: headers) { r in
            (r.status, String(buffer: r.body), r.headers)
        }
    }

    @Test func withATokenEveryPathNeedsIt() async throws {
        let h = try await WebhookHTTPTests.harness { $0.admin.token = Self.token }
        defer { Task { await h.close() } }
        var server = h.server
        server.adminRoutes = [Echo()]
        try await server.adminApplication().test(.router) { client in
            for path in ["/metrics", "/healthz", "/v1/echo"] {
                let (status, body, headers) = try await Self.get(client, path)
                #expect(status == .unauthorized, "\(path)")
                #expect(headers[.wwwAuthenticate] == #"Bearer realm="ivrd-admin""#)
                #expect(body.contains("bearer token is required"))
                #expect(try await Self.get(client, path, bearer: "admin-token-for-tests-012345678X").0 == .unauthorized)
                #expect(try await Self.get(client, path, bearer: String(Self.token.dropLast())).0 == .unauthorized)
            }
            let (status, metrics, _) = try await Self.get(client, "/metrics", bearer: Self.token)
            #expect(status == .ok)
            #expect(metrics.contains("ivr_webhooks_rate_limited_total 0"))
            let (es, echo, _) = try await Self.get(client, "/v1/echo", bearer: Self.token)
            #expect(es == .ok)
            #expect(echo == "echo\n")
            let (hs, health, _) = try await Self.get(client, "/healthz", bearer: Self.token)
            #expect(hs == .ok)
            #expect(health.hasPrefix(#"{"status":"ok","database":"ok","webhook_queue":0,"flows":{"#))
        }
    }

    @Test func withoutATokenOnlyMetricsAndHealthAreServed() async throws {
        let h = try await WebhookHTTPTests.harness()
        defer { Task { await h.close() } }
        var server = h.server
        server.adminRoutes = [Echo()]
        try await server.adminApplication().test(.router) { client in
            #expect(try await Self.get(client, "/metrics").0 == .ok)
            #expect(try await Self.get(client, "/healthz").0 == .ok)
            let (status, body, _) = try await Self.get(client, "/v1/echo")
            #expect(status == .forbidden)
            #expect(body == #"{"error":"the admin API and console are off: set IVR_ADMIN_TOKEN"}"# + "\n")
        }
    }

    @Test func tokenComparison() {
        #expect(AdminToken.matches(Self.token, Self.token))
        #expect(!AdminToken.matches("", Self.token))
        #expect(!AdminToken.matches(Self.token + "x", Self.token))
        #expect(!AdminToken.matches(String(Self.token.dropLast()), Self.token))
    }
}
