import AsyncHTTPClient
import Foundation
import IVRTesting
import Logging
import Testing
import WhatsApp

/// The Graph client against a real HTTP server on loopback standing in for the Graph API.
@Suite struct GraphClientTests {
    let fastRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20), jitter: 0.5)

    func client(_ standIn: GraphStandIn, endpoint: GraphEndpoint? = nil, retry: RetryPolicy? = nil) -> GraphClient {
        GraphClient(http: .shared, endpoint: endpoint ?? .meta(baseURL: standIn.baseURL, apiVersion: "v23.0", accessToken: "TOKEN-123"),
                    retry: retry ?? fastRetry, requestTimeout: .seconds(60), logger: Logger(label: "test"))
    }

    @Test func preAcceptAndAcceptSendTheExactBodies() async throws {
        let standIn = try await GraphStandIn.start()
        let graph = client(standIn)
        try await graph.preAccept(callID: "wacid.A", sdp: "v=0\r\nanswer\r\n", phoneNumberID: "106540352242922")
        try await graph.accept(callID: "wacid.A", sdp: "v=0\r\nanswer\r\n", phoneNumberID: "106540352242922",
                               bizOpaqueCallbackData: "flow=main")
        try await graph.reject(callID: "wacid.B", phoneNumberID: "106540352242922")
        try await graph.terminate(callID: "wacid.C", phoneNumberID: "106540352242922")
        let reqs = standIn.requests
        await standIn.stop()
        #expect(reqs.count == 4)
        for r in reqs {
            #expect(r.method == "POST")
            #expect(r.path == "/v23.0/106540352242922/calls")
            #expect(r.header("Authorization") == "Bearer TOKEN-123")
            #expect(r.header("Content-Type") == "application/json")
        }
        #expect(reqs[0].json as NSDictionary? == [
            "messaging_product": "whatsapp", "call_id": "wacid.A", "action": "pre_accept",
            "session": ["sdp_type": "answer", "sdp": "v=0\r\nanswer\r\n"],
        ] as NSDictionary)
        #expect(reqs[1].json as NSDictionary? == [
            "messaging_product": "whatsapp", "call_id": "wacid.A", "action": "accept",
            "session": ["sdp_type": "answer", "sdp": "v=0\r\nanswer\r\n"], "biz_opaque_callback_data": "flow=main",
        ] as NSDictionary)
        #expect(reqs[2].json as NSDictionary? == ["messaging_product": "whatsapp", "call_id": "wacid.B", "action": "reject"] as NSDictionary)
        #expect(reqs[3].json as NSDictionary? == ["messaging_product": "whatsapp", "call_id": "wacid.C", "action": "terminate"] as NSDictionary)
    }

    @Test func bspProfileUsesItsHeaderAndPaths() async throws {
        let standIn = try await GraphStandIn.start()
        let graph = client(standIn, endpoint: .bsp(baseURL: standIn.baseURL + "/", apiKey: "KEY-9"))
        try await graph.reject(callID: "wacid.B", phoneNumberID: "106540352242922")
        let wamid = try await graph.send(.voiceCallButton(to: "13175551234", body: "Call us back", displayText: "Call now",
                                                          ttlMinutes: 1440, payload: "menu-2"),
                                         phoneNumberID: "106540352242922", deadline: nil)
        let reqs = standIn.requests
        await standIn.stop()
        #expect(reqs.map(\.path) == ["/calling/calls", "/messages"])
        #expect(reqs.allSatisfy { $0.header("D360-API-KEY") == "KEY-9" && $0.header("Authorization") == nil })
        #expect(wamid == "wamid.STANDIN1")
        #expect(reqs[1].json as NSDictionary? == [
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "13175551234", "type": "interactive",
            "interactive": [
                "type": "voice_call", "body": ["text": "Call us back"],
                "action": ["name": "voice_call", "parameters": ["display_text": "Call now", "ttl_minutes": 1440, "payload": "menu-2"]],
            ],
        ] as NSDictionary)
    }

    @Test func templateWithCallButtonBody() async throws {
        let standIn = try await GraphStandIn.start()
        let graph = client(standIn)
        _ = try await graph.send(.template(to: "13175551234", name: "callback_offer", languageCode: "en_US",
                                           ttlMinutes: 100, payload: "p1"),
                                 phoneNumberID: "42", deadline: nil)
        let req = standIn.requests.first
        await standIn.stop()
        #expect(req?.path == "/v23.0/42/messages")
        #expect(req?.json as NSDictionary? == [
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "13175551234", "type": "template",
            "template": [
                "name": "callback_offer", "language": ["code": "en_US"],
                "components": [["type": "button", "sub_type": "voice_call", "parameters": [
                    ["type": "ttl_minutes", "ttl_minutes": 100], ["type": "payload", "payload": "p1"],
                ]]],
            ],
        ] as NSDictionary)
    }

    @Test func messagesOutsideTheLimitsAreNotSent() async throws {
        let standIn = try await GraphStandIn.start()
        let graph = client(standIn)
        let error = await #expect(throws: GraphError.self) {
            try await graph.send(.voiceCallButton(to: "1", body: "x", displayText: String(repeating: "a", count: 21),
                                                  ttlMinutes: 0, payload: nil), phoneNumberID: "42", deadline: nil)
        }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 0)
        #expect("\(error!)".contains("display_text has 21 characters, at most 20 allowed"))
        #expect("\(error!)".contains("ttl_minutes 0 outside 1–43200"))
    }

    @Test func retriesOn500And429ThenSucceeds() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(.error(status: 500, code: 1, message: "An unknown error occurred"),
                       .error(status: 429, code: 4, message: "Application request limit reached"))
        try await client(standIn).preAccept(callID: "wacid.R", sdp: "v=0", phoneNumberID: "42")
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 3)
    }

    @Test func doesNotRetry400AndTheErrorCarriesCodeAndTrace() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(.error(status: 400, code: 138007, message: "Connect timeout", type: "OAuthException",
                              details: "accept not sent in time", fbtraceID: "A1b2C3"))
        let error = await #expect(throws: GraphError.self) {
            try await client(standIn).accept(callID: "wacid.N", sdp: "v=0", phoneNumberID: "42")
        }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 1)
        #expect(error?.code == 138007)
        #expect(error?.fbtraceID == "A1b2C3")
        #expect(error?.httpStatus == 400)
        #expect(error == .api(action: "accept", httpStatus: 400, detail: GraphAPIErrorDetail(
            message: "Connect timeout", type: "OAuthException", code: 138007, details: "accept not sent in time",
            fbtraceID: "A1b2C3")))
        #expect(error?.description == "graph accept failed with HTTP 400, code 138007 (OAuthException): Connect timeout; details: accept not sent in time [fbtrace_id A1b2C3]")
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let standIn = try await GraphStandIn.start()
        for _ in 0..<4 { standIn.script(.error(status: 503, code: 2, message: "Service temporarily unavailable")) }
        let error = await #expect(throws: GraphError.self) {
            try await client(standIn).terminate(callID: "wacid.G", phoneNumberID: "42")
        }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 4)
        guard case let .gaveUp(action, attempts, last)? = error else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
            return
        }
        #expect(action == "terminate")
        #expect(attempts == 4)
        #expect(last.httpStatus == 503)
        #expect(error?.code == 2)
    }

    @Test func stopsRetryingWhenTheDeadlineWouldPass() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(.error(status: 500, code: 1))
        let slow = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(60), maxDelay: .seconds(60), jitter: 0)
        let error = await #expect(throws: GraphError.self) {
            try await client(standIn, retry: slow).reject(callID: "wacid.D", phoneNumberID: "42",
                                                          deadline: .now + .seconds(5))
        }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 1)
        if case let .gaveUp(_, attempts, _)? = error { #expect(attempts == 1) } else { Issue.record("expected gaveUp") }
    }

    @Test func connectionRefusedIsATransportErrorAndRetried() async throws {
        let standIn = try await GraphStandIn.start()
        let url = standIn.baseURL
        await standIn.stop()
        let graph = GraphClient(http: .shared, endpoint: .meta(baseURL: url, accessToken: "t"),
                                retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1)),
                                requestTimeout: .seconds(2), logger: Logger(label: "test"))
        let error = await #expect(throws: GraphError.self) {
            try await graph.reject(callID: "wacid.X", phoneNumberID: "42")
        }
        guard case let .gaveUp(_, attempts, last)? = error else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
            return
        }
        #expect(attempts == 2)
        #expect(last.isRetryable)
    }
}

/// Placing a call (`connect`) is not idempotent: a request WhatsApp may have acted on is never sent again, so a
/// lost answer or a 5xx cannot ring the user twice. A 429 or a connection never made is retried as before.
@Suite struct ConnectResendTests {
    static let body = #"{"messaging_product":"whatsapp","calls":[{"id":"wacid.PLACED"}]}"#

    func place(_ graph: GraphClient) async throws -> String {
        try await graph.connect(to: "13175551234", sdp: "v=0", bizOpaqueCallbackData: nil, phoneNumberID: "42",
                                deadline: nil)
    }

    func client(_ url: String, timeout: Duration = .seconds(60)) -> GraphClient {
        GraphClient(http: .shared, endpoint: .meta(baseURL: url, accessToken: "t"),
                    retry: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)),
                    requestTimeout: timeout, logger: Logger(label: "test"))
    }

    @Test func aServerErrorIsNotSentAgain() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(.error(status: 500, code: 1, message: "An unknown error occurred"), .init(status: 200, body: Self.body))
        let error = await #expect(throws: GraphError.self) { try await place(client(standIn.baseURL)) }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 1)
        guard case let .gaveUp(action, attempts, last)? = error else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
            return
        }
        #expect(action == "connect" && attempts == 1 && last.httpStatus == 500)
    }

    @Test func anAnswerThatDoesNotArriveInTimeIsNotSentAgain() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(GraphStandIn.Reply(status: 200, body: Self.body).after(.seconds(3)))
        let error = await #expect(throws: GraphError.self) {
            try await place(client(standIn.baseURL, timeout: .milliseconds(300)))
        }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 1, "WhatsApp got the first request; a second would place a second call")
        if case let .gaveUp(_, _, last)? = error { #expect(last == .timeout(action: "connect")) } else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
        }
    }

    @Test func aRateLimitIsRetried() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(.error(status: 429, code: 4, message: "Application request limit reached"),
                       .init(status: 200, body: Self.body))
        let id = try await place(client(standIn.baseURL))
        let count = standIn.requests.count
        await standIn.stop()
        #expect(id == "wacid.PLACED")
        #expect(count == 2)
    }

    @Test func aConnectionNeverMadeIsRetried() async throws {
        let standIn = try await GraphStandIn.start()
        let url = standIn.baseURL
        await standIn.stop()
        let error = await #expect(throws: GraphError.self) { try await place(client(url, timeout: .seconds(2))) }
        guard case let .gaveUp(_, attempts, last)? = error else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
            return
        }
        #expect(attempts == 5, "refused five times: \(last)")
    }

    @Test func idempotentActionsAreStillRetriedAfterAServerError() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(.error(status: 500, code: 1))
        try await client(standIn.baseURL).terminate(callID: "wacid.T", phoneNumberID: "42")
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 2)
    }
}

@Suite struct RetryPolicyTests {
    @Test func delaysGrowExponentiallyAndAreCapped() {
        let p = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(1000), jitter: 0)
        #expect((1...6).map { p.delay(afterAttempt: $0, random: 0.7) }
            == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1000), .milliseconds(1000)])
    }

    @Test func jitterShortensWithinItsFraction() {
        let p = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)
        #expect(p.delay(afterAttempt: 1, random: 0) == .milliseconds(100))
        #expect(p.delay(afterAttempt: 1, random: 1) == .milliseconds(50))
        #expect(p.delay(afterAttempt: 2, random: 0.5) == .milliseconds(150))
    }

    @Test func retryableClassification() {
        let d = GraphAPIErrorDetail(code: 1)
        #expect(GraphError.api(action: "a", httpStatus: 429, detail: d).isRetryable)
        #expect(GraphError.api(action: "a", httpStatus: 502, detail: d).isRetryable)
        #expect(!GraphError.api(action: "a", httpStatus: 400, detail: d).isRetryable)
        #expect(!GraphError.http(action: "a", httpStatus: 404, body: "").isRetryable)
        #expect(GraphError.timeout(action: "a").isRetryable)
    }

    @Test func endpointURLs() {
        let meta = GraphEndpoint.meta(baseURL: "https://graph.facebook.com/", apiVersion: "v24.0", accessToken: "t")
        #expect(meta.callsURL(phoneNumberID: "106540352242922") == "https://graph.facebook.com/v24.0/106540352242922/calls")
        #expect(meta.messagesURL(phoneNumberID: "1/2") == "https://graph.facebook.com/v24.0/1%2F2/messages")
        let bsp = GraphEndpoint.bsp(baseURL: "https://waba-v2.360dialog.io", apiKey: "k")
        #expect(bsp.callsURL(phoneNumberID: "x") == "https://waba-v2.360dialog.io/calling/calls")
        #expect(bsp.authHeaderName == "D360-API-KEY")
    }
}
