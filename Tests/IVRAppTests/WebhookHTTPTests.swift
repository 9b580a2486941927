import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IVRApp
import IVRTesting
import Logging
import NIOCore
import Store
import Testing
import WhatsApp

/// The webhook endpoint over real HTTP, with the Graph API played by a loopback stand-in.
@Suite struct WebhookHTTPTests {
    static let secret = "test-app-secret"
    static let verifyToken = "verify-me"
    static let phoneNumberID = "106540352242922"

    struct Harness {
        let server: IVRServer
        let standIn: GraphStandIn

        func close() async {
            try? await server.shutdown()
            await standIn.stop()
        }
    }

    static func harness(appSecret: String? = secret, verifyToken: String? = verifyToken,
                        configure: (inout IVRConfig) -> Void = { _ in }) async throws -> Harness {
        let standIn = try await GraphStandIn.start()
        let dir = try Fixtures.temporaryDirectory("webhook")
        let flows = dir.appendingPathComponent("Flows")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        // Two flows and neither is called "main", so no default flow is implied.
        try FlowCatalogTests.flow("support", numbers: [phoneNumberID])
            .write(to: flows.appendingPathComponent("support.yaml"), atomically: true, encoding: .utf8)
        try FlowCatalogTests.flow("sales", numbers: ["555"])
            .write(to: flows.appendingPathComponent("sales.yaml"), atomically: true, encoding: .utf8)
        let prompts = dir.appendingPathComponent("Prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        try Data().write(to: prompts.appendingPathComponent("welcome.wav"))
        var config = IVRConfig()
        config.http.host = "127.0.0.1"
        config.http.port = 0
        config.database = dir.appendingPathComponent("ivr.sqlite").path
        config.flowsDirectory = flows.path
        config.promptsDirectory = prompts.path
        config.whatsapp.appSecret = appSecret
        config.whatsapp.verifyToken = verifyToken
        config.whatsapp.accessToken = "TOKEN"
        config.graph.baseURL = standIn.baseURL
        config.graph.retryBaseDelayMs = 5
        // The read deadlines are the daemon tests' subject; here a starved test client must not trip them.
        config.http.headerTimeoutSeconds = 300
        config.http.idleTimeoutSeconds = 3600
        configure(&config)
        // These tests are about the webhook path; media is covered by the interop tests.
        let server = try IVRServer(config: config, logger: Logger(label: "test"), media: UnavailableMedia())
        return Harness(server: server, standIn: standIn)
    }

    static func connectBody(callID: String = "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1") throws -> [UInt8] {
        let text = try Fixtures.string("connect.json").replacingOccurrences(
            of: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", with: callID)
        return Array(text.utf8)
    }

    static func signed(_ body: [UInt8]) -> HTTPFields {
        [HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.sign(body: body, secret: secret),
         .contentType: "application/json"]
    }

    static func post(_ client: some TestClientProtocol, _ body: [UInt8], headers: HTTPFields) async throws
        -> (HTTPResponse.Status, String) {
        try await client.execute(uri: "/webhook", method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test func handshakeEchoesTheChallengeOnlyForTheRightToken() async throws {
        let h = try await Self.harness()
        defer { Task { await h.close() } }
        try await h.server.application().test(.live) { client in
            try await client.execute(uri: "/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42",
                                     method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body) == "42")
            }
            for uri in ["/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42",
                        "/webhook?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=42",
                        "/webhook?hub.mode=subscribe&hub.verify_token=verify-me"] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .forbidden)
                    #expect(String(buffer: r.body).hasPrefix("verification refused"))
                }
            }
        }
    }

    @Test func withoutSecretsWebhooksAnswer503NamingTheVariable() async throws {
        let h = try await Self.harness(appSecret: nil, verifyToken: nil)
        defer { Task { await h.close() } }
        try await h.server.application().test(.live) { client in
            let body = try Self.connectBody()
            let (status, text) = try await Self.post(client, body, headers: Self.signed(body))
            #expect(status == .serviceUnavailable)
            #expect(text.contains("IVR_APP_SECRET"))
            try await client.execute(uri: "/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(String(buffer: r.body).contains("IVR_VERIFY_TOKEN"))
            }
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
        }
        #expect(h.server.metrics.exposition().contains(#"ivr_webhooks_rejected_total{reason="not_configured"} 1"#))
    }

    @Test func badInputsGetExactAnswersWhileAValidCallStillSucceeds() async throws {
        let h = try await Self.harness()
        defer { Task { await h.close() } }
        let valid = try Self.connectBody(callID: "wacid.VALID")
        let truncated = Array(valid.prefix(valid.count / 2))
        let wrongType = Array(#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":"nope"}}]}]}"#.utf8)
        let unknown = Array(try Fixtures.data("unknown-field.json"))
        let oversized = [UInt8](repeating: 0x20, count: (1 << 20) + 1)
        var malformedHeaders = Self.signed(valid)
        malformedHeaders[HTTPField.Name("X-Hub-Signature-256")!] = "sha256=xyz"
        var wrongHeaders = Self.signed(valid)
        wrongHeaders[HTTPField.Name("X-Hub-Signature-256")!] = WebhookSignature.sign(body: valid, secret: "another")

        struct Case: Sendable {
            let name: String
            let body: [UInt8]
            let headers: HTTPFields
            let status: HTTPResponse.Status
            let message: String
        }
        let cases: [Case] = [
            Case(name: "valid", body: valid, headers: Self.signed(valid), status: .ok, message: "ok\n"),
            Case(name: "missing", body: valid, headers: [.contentType: "application/json"], status: .unauthorized,
                 message: "signature header X-Hub-Signature-256 is missing\n"),
            Case(name: "malformed", body: valid, headers: malformedHeaders, status: .unauthorized,
                 message: "signature header X-Hub-Signature-256 is malformed: expected 64 hex digits after 'sha256=', found 3 characters\n"),
            Case(name: "wrong", body: valid, headers: wrongHeaders, status: .unauthorized,
                 message: "signature mismatch: X-Hub-Signature-256 is not the HMAC-SHA256 of the body under the app secret\n"),
            Case(name: "oversized", body: oversized, headers: Self.signed(oversized), status: .contentTooLarge,
                 message: "request body is larger than the limit of 1048576 bytes\n"),
            Case(name: "truncated", body: truncated, headers: Self.signed(truncated), status: .badRequest,
                 message: "invalid webhook payload at $: malformed JSON"),
            Case(name: "wrong types", body: wrongType, headers: Self.signed(wrongType), status: .badRequest,
                 message: "invalid webhook payload at entry[0].changes[0].value.calls: expected an array"),
            Case(name: "unknown", body: unknown, headers: Self.signed(unknown), status: .ok, message: "ok\n"),
        ]
        try await h.server.application().test(.live) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in cases {
                    group.addTask {
                        let (status, text) = try await Self.post(client, c.body, headers: c.headers)
                        #expect(status == c.status, "\(c.name)")
                        #expect(text.hasPrefix(c.message), "\(c.name): \(text)")
                    }
                }
                try await group.waitForAll()
            }
        }
        let store = h.server.store
        // The status is journalled first and the reason comes with the call's finalization, a later write.
        #expect(try await eventually(attempts: 800) { try await store.call(id: "wacid.VALID")?.finalizedAt != nil })
        let row = try await store.call(id: "wacid.VALID")
        #expect(row?.status == .rejected)
        #expect(row?.flow == "support")
        #expect(row?.caller == "13175551234")
        #expect(row?.reason?.contains("no media handler") == true)
        let rejects = h.standIn.requests.filter { $0.json?["action"] as? String == "reject" }
        #expect(rejects.count == 1)
        #expect(rejects.first?.path == "/v23.0/\(Self.phoneNumberID)/calls")
        #expect(rejects.first?.json?["call_id"] as? String == "wacid.VALID")
        let metrics = h.server.metrics.exposition()
        #expect(metrics.contains(#"ivr_webhooks_rejected_total{reason="signature_missing"} 1"#))
        #expect(metrics.contains(#"ivr_webhooks_rejected_total{reason="body_too_large"} 1"#))
        #expect(metrics.contains(#"ivr_graph_requests_total{action="reject",status="ok"} 1"#))
        await h.close()
    }

    @Test func theSameConnectThreeTimesMakesOneCallAndOneAction() async throws {
        let h = try await Self.harness()
        let body = try Self.connectBody(callID: "wacid.DUP")
        try await h.server.application().test(.live) { client in
            for _ in 0..<3 {
                let (status, _) = try await Self.post(client, body, headers: Self.signed(body))
                #expect(status == .ok)
            }
        }
        let store = h.server.store
        #expect(try await eventually { try await store.call(id: "wacid.DUP")?.status == .rejected })
        #expect(try await store.recentCalls().filter { $0.id == "wacid.DUP" }.count == 1)
        #expect(try await store.deliveryCount(subjectID: "wacid.DUP") == 1)
        #expect(h.standIn.requests.count == 1)
        #expect(h.server.metrics.exposition().contains(#"ivr_webhook_duplicates_total{kind="connect"} 2"#))
        await h.close()
    }

    @Test func aConnectForANumberWithoutAFlowIsRejectedWithAReason() async throws {
        let h = try await Self.harness()
        let text = try Fixtures.string("connect.json")
            .replacingOccurrences(of: Self.phoneNumberID, with: "999000")
            .replacingOccurrences(of: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", with: "wacid.NOFLOW")
        let body = Array(text.utf8)
        try await h.server.application().test(.live) { client in
            let (status, _) = try await Self.post(client, body, headers: Self.signed(body))
            #expect(status == .ok)
        }
        let store = h.server.store
        // The reject is answered, then the row is finalized with its reason: wait for the final row.
        #expect(try await eventually(attempts: 800) { try await store.call(id: "wacid.NOFLOW")?.finalizedAt != nil })
        let row = try await store.call(id: "wacid.NOFLOW")
        #expect(row?.status == .rejected)
        #expect(row?.reason == "no flow answers phone_number_id 999000 and no default flow is set")
        #expect(h.standIn.requests.first?.path == "/v23.0/999000/calls")
        await h.close()
    }

    @Test func aFailedRejectIsRecordedWithTheGraphError() async throws {
        let h = try await Self.harness()
        h.standIn.script(.error(status: 400, code: 138000, message: "Calling not enabled", fbtraceID: "TR1"))
        let body = try Self.connectBody(callID: "wacid.REJFAIL")
        try await h.server.application().test(.live) { client in
            _ = try await Self.post(client, body, headers: Self.signed(body))
        }
        let store = h.server.store
        #expect(try await eventually { try await store.call(id: "wacid.REJFAIL")?.status == .failed })
        let reason = try await store.call(id: "wacid.REJFAIL")?.reason ?? ""
        #expect(reason.contains("reject failed: graph reject failed with HTTP 400, code 138000"))
        #expect(reason.contains("fbtrace_id TR1"))
        await h.close()
    }

    @Test func terminateUpdatesTheCallAndUnknownCallsAreRecorded() async throws {
        let h = try await Self.harness()
        let connect = try Self.connectBody()
        let terminate = Array(try Fixtures.data("terminate.json"))
        let unknownTerminate = Array(String(decoding: terminate, as: UTF8.self)
            .replacingOccurrences(of: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", with: "wacid.NEVERSEEN").utf8)
        try await h.server.application().test(.live) { client in
            _ = try await Self.post(client, connect, headers: Self.signed(connect))
            let store = h.server.store
            #expect(try await eventually { try await store.call(id: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1")?.status == .rejected })
            let (s1, _) = try await Self.post(client, terminate, headers: Self.signed(terminate))
            let (s2, _) = try await Self.post(client, unknownTerminate, headers: Self.signed(unknownTerminate))
            #expect(s1 == .ok && s2 == .ok)
        }
        let store = h.server.store
        #expect(try await eventually { try await store.call(id: "wacid.NEVERSEEN") != nil })
        #expect(try await eventually { try await store.call(id: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1")?.durationSeconds == 87 })
        let known = try await store.call(id: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1")
        #expect(known?.status == .rejected)
        #expect(known?.reason?.contains("whatsapp errors 138021") == true)
        let unknown = try await store.call(id: "wacid.NEVERSEEN")
        #expect(unknown?.status == .completed)
        #expect(unknown?.reason == "terminate for an unknown call")
        await h.close()
    }
}
