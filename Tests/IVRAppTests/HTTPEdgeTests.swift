import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IVRApp
import IVRTesting
import NIOCore
import Testing
import WhatsApp
import Wire

/// `/healthz` and the webhook failure limiter over real HTTP.
@Suite struct HTTPEdgeTests {
    @Test func publicHealthzAnswersOnlyTheStatusAndServesNoMetrics() async throws {
        let h = try await WebhookHTTPTests.harness()
        defer { Task { await h.close() } }
        try await h.server.application().test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json")
                #expect(String(buffer: r.body) == #"{"status":"ok"}"# + "\n")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    @Test func adminHealthzWritesToTheStoreAndReportsTheQueueAndTheFlowVersions() async throws {
        let h = try await WebhookHTTPTests.harness()
        defer { Task { await h.close() } }
        let support = try #require(h.server.catalog.loadedVersions["support"])
        let sales = try #require(h.server.catalog.loadedVersions["sales"])
        #expect(support.count == 12 && sales.count == 12 && support != sales)
        try await h.server.adminApplication().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                // SQLite: one instance, so no instance id; both flows with the version they run.
                #expect(String(buffer: r.body) == #"{"status":"ok","database":"ok","webhook_queue":0,"#
                    + #""flows":{"sales":"\#(sales)","support":"\#(support)"}}"# + "\n")
            }
        }
    }

    @Test func healthReportShapes() {
        let down = HealthReport(status: .unavailable, database: "error", webhookQueue: 3)
        #expect(down.json == #"{"status":"unavailable","database":"error","webhook_queue":3,"flows":{}}"#)
        #expect(down.status.httpCode == 503)
        #expect(HealthReport.Status.ok.httpCode == 200)
        let shared = HealthReport(status: .ok, database: "ok", webhookQueue: 0, instance: "ivr-\"2\"\n",
                                  flows: ["main": "0123456789ab", "a\\b": "ba9876543210"])
        #expect(shared.json == #"{"status":"ok","database":"ok","webhook_queue":0,"instance":"ivr-\"2\"\u000a","#
            + #""flows":{"a\\b":"ba9876543210","main":"0123456789ab"}}"#)
    }

    @Test func repeatedBadSignaturesFromOneAddressAreAnswered429AndCounted() async throws {
        let h = try await WebhookHTTPTests.harness { config in
            config.http.authFailureBurst = 3
            config.http.authFailuresPerMinute = 1
        }
        defer { Task { await h.close() } }
        let body = try WebhookHTTPTests.connectBody()
        var fields = WebhookHTTPTests.signed(body)
        fields[HTTPField.Name("X-Hub-Signature-256")!] = "sha256=" + String(repeating: "0", count: 64)
        let forged = fields
        try await h.server.application().test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 { statuses.append(try await WebhookHTTPTests.post(client, body, headers: forged).0) }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests,
                                 .tooManyRequests])
            // A correctly signed delivery from the same address is refused too while it is limited.
            let (status, text) = try await WebhookHTTPTests.post(client, body, headers: WebhookHTTPTests.signed(body))
            #expect(status == .tooManyRequests)
            #expect(text == "too many failed webhook requests from this address; try again later\n")
            let metrics = h.server.metrics.exposition()
            #expect(metrics.contains("ivr_webhooks_rate_limited_total 4"))
            #expect(metrics.contains(#"ivr_webhooks_rejected_total{reason="signature_mismatch"} 3"#))
        }
    }
}

/// Behind a reverse proxy (`http.trusted_proxies`): forged deliveries are charged to the client nginx names,
/// so WhatsApp's own deliveries through the same proxy are not refused with them.
@Suite struct TrustedProxyLimiterTests {
    @Test func aForgerBehindTheProxyIsLimitedAloneAndItsClaimsToTheLeftAreIgnored() async throws {
        let h = try await WebhookHTTPTests.harness { config in
            config.http.authFailureBurst = 2
            config.http.authFailuresPerMinute = 1
            config.http.trustedProxies = TrustedProxies([IPNetwork("127.0.0.1"), IPNetwork("::1")].compactMap { $0 })
        }
        defer { Task { await h.close() } }
        let body = try WebhookHTTPTests.connectBody()
        let xff = try #require(HTTPField.Name("X-Forwarded-For"))
        var badlySigned = WebhookHTTPTests.signed(body)
        badlySigned[HTTPField.Name("X-Hub-Signature-256")!] = "sha256=" + String(repeating: "0", count: 64)
        let forged = badlySigned
        try await h.server.application().test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<4 {
                var headers = forged
                // The forger varies what it claims; nginx appends the address it saw (198.51.100.7).
                headers[xff] = "192.0.2.\(i), 198.51.100.7"
                statuses.append(try await WebhookHTTPTests.post(client, body, headers: headers).0)
            }
            #expect(statuses == [.unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
            // WhatsApp's delivery through the same proxy comes from another client address: not limited.
            var meta = WebhookHTTPTests.signed(body)
            meta[xff] = "173.252.127.1"
            #expect(try await WebhookHTTPTests.post(client, body, headers: meta).0 == .ok)
        }
    }
}
