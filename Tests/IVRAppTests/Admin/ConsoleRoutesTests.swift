import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IVRApp
import NIOCore
import Store
import Testing

/// The console and `/v1` on the admin listener, in-process: every page and API route with and without
/// credentials, the login form and its cookie, CSRF on the retry form, escaping, redaction, the CSV's
/// formula guard and the recording route.
@Suite struct ConsoleRoutesTests {
    static let token = "console-token-for-tests-0123456789"
    static let t0 = Date(timeIntervalSince1970: 1_764_070_000)
    static let secureFlow = """
        name: secure
        numbers: ['777']
        redact: [pin]
        start: ask
        steps:
          ask:
            gather:
              prompt: welcome
              into: pin
              min_digits: 4
              max_digits: 4
            next: bye
          bye:
            hangup: completed
        """

    struct Setup {
        var server: IVRServer
        var harness: WebhookHTTPTests.Harness
        var recordings: String
    }

    static func setup() async throws -> Setup {
        let h = try await WebhookHTTPTests.harness {
            $0.admin.token = token
            try? secureFlow.write(toFile: $0.flowsDirectory + "/secure.yaml", atomically: true, encoding: .utf8)
        }
        var server = h.server
        let recordings = server.config.flowsDirectory + "/../recordings"
        try FileManager.default.createDirectory(atPath: recordings, withIntermediateDirectories: true)
        server.recordingsDirectory = recordings
        let store = server.store
        // A finished call of `secure` whose stored variables still hold the pin (as if stored before `redact:`),
        // a name that needs escaping, and a CSV-formula caller.
        var row = CallRecord(id: "wacid.C1", phoneNumberID: "777", caller: "=HYPERLINK(\"x\")5551234", flow: "secure",
                             status: .accepted, receivedAt: t0)
        row.variablesJSON = #"{"pin":"4321","note":"<script>alert(1)</script>"}"#
        row.flowVersion = server.catalog.flow(named: "secure")?.versionHash
        try await store.insertCall(row)
        for (i, step) in ["ask", "bye"].enumerated() {
            try await store.recordEvent(callID: "wacid.C1", kind: .step, detail: step, at: t0.addingTimeInterval(Double(i)))
        }
        try await store.recordEvent(callID: "wacid.C1", kind: .key, detail: "***", at: t0.addingTimeInterval(0.5))
        _ = try await store.finalizeCall(id: "wacid.C1", at: t0.addingTimeInterval(5), endDetail: "hangup: completed") { r, _, _ in
            r.endReason = "hangup"
            r.status = .completed
            return [OutboxDraft(ruleKey: "thanks", recipient: "13175551234", messageJSON: #"{"type":"text"}"#)]
        }
        if let m = try await store.outboxMessages().first, let id = m.id {
            _ = try await store.failOutbox(id: id, errorCode: 131_000, detail: "refused", at: t0.addingTimeInterval(6))
        }
        try Data("RIFF-not-really".utf8).write(to: URL(fileURLWithPath: recordings + "/wacid_C1-ask.wav"))
        try Data("other".utf8).write(to: URL(fileURLWithPath: recordings + "/wacid_C2-ask.wav"))
        return Setup(server: server, harness: h, recordings: recordings)
    }

    typealias Reply = (status: HTTPResponse.Status, body: String, headers: HTTPFields)

    static func request(_ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get,
                        bearer: String? = nil, cookie: String? = nil, form: String? = nil) async throws -> Reply {
        var headers = HTTPFields()
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let cookie { headers[.cookie] = cookie }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: form.map { ByteBuffer(string: $0) }) { r in
            (r.status, String(buffer: r.body), r.headers)
        }
    }

    static let pages = ["/calls", "/calls?outcome=completed", "/calls.csv", "/calls/wacid.C1", "/flows", "/flows/secure",
                        "/outbox", "/live", "/calls/wacid.C1/recordings/wacid_C1-ask.wav"]
    static let api = ["/v1/calls", "/v1/calls/wacid.C1", "/v1/flows/secure/stats"]

    @Test func everyRouteNeedsTheTokenAndServesWithIt() async throws {
        let s = try await Self.setup()
        defer { Task { await s.harness.close() } }
        try await s.server.adminApplication().test(.router) { client in
            for path in Self.pages {
                let r = try await Self.request(client, path)
                #expect(r.status == .unauthorized, "\(path)")
                #expect(r.body.contains(#"<form method="post" action="/login""#), "\(path)")
                #expect(!r.body.contains("***1234") && !r.body.contains("<table"), "\(path)")
                #expect(try await Self.request(client, path, bearer: "wrong-token").status == .unauthorized)
                let ok = try await Self.request(client, path, bearer: Self.token)
                #expect(ok.status == .ok, "\(path): \(ok.body)")
            }
            for path in Self.api {
                let r = try await Self.request(client, path)
                #expect(r.status == .unauthorized, "\(path)")
                #expect(r.body.contains("bearer token is required"))
                #expect(try await Self.request(client, path, bearer: Self.token).status == .ok, "\(path)")
            }
            #expect(try await Self.request(client, "/v1/outbox/1/retry", method: .post).status == .unauthorized)
            #expect(try await Self.request(client, "/outbox/1/retry", method: .post).status == .unauthorized)
        }
    }

    @Test func theCallPageMasksEscapesAndDrawsThePath() async throws {
        let s = try await Self.setup()
        defer { Task { await s.harness.close() } }
        try await s.server.adminApplication().test(.router) { client in
            let page = try await Self.request(client, "/calls/wacid.C1", bearer: Self.token).body
            #expect(!page.contains("4321"))
            #expect(page.contains("<td>pin</td><td>***</td>"))
            #expect(!page.contains("<script>alert(1)"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.contains("5551234\"") && page.contains("***1234"))
            #expect(page.contains(#"<ol class="path" id="path"><li>ask</li><li>bye</li></ol>"#))
            #expect(page.contains("/calls/wacid.C1/recordings/wacid_C1-ask.wav"))
            #expect(!page.contains("wacid_C2"))
            if GraphvizRenderer.findDot() != nil {
                // dot writes "-" as &#45; in ids; a browser reads it as step-ask.
                #expect(page.contains(#"<g id="step&#45;ask" class="node step visited">"#))
                #expect(page.contains("step visited last"))
            }
            let json = try await Self.request(client, "/v1/calls/wacid.C1", bearer: Self.token).body
            #expect(!json.contains("4321"))
            #expect(json.contains(#""pin":"***""#))
            #expect(json.contains(#""path":["ask","bye"]"#))
            #expect(json.contains(#""outcome":"completed""#))
            #expect(try await Self.request(client, "/calls/nope", bearer: Self.token).status == .notFound)
            #expect(try await Self.request(client, "/v1/calls/nope", bearer: Self.token).status == .notFound)
            #expect(try await Self.request(client, "/calls?since=yesterday-ish", bearer: Self.token).status == .badRequest)
            #expect(try await Self.request(client, "/v1/calls?outcome=bogus", bearer: Self.token).status == .badRequest)
        }
    }

    @Test func recordingsAreServedAsWAVAndNothingElseIs() async throws {
        let s = try await Self.setup()
        defer { Task { await s.harness.close() } }
        try await s.server.adminApplication().test(.router) { client in
            let ok = try await Self.request(client, "/calls/wacid.C1/recordings/wacid_C1-ask.wav", bearer: Self.token)
            #expect(ok.status == .ok)
            #expect(ok.headers[.contentType] == "audio/wav")
            #expect(ok.body == "RIFF-not-really")
            for bad in ["/calls/wacid.C1/recordings/wacid_C2-ask.wav", "/calls/wacid.C1/recordings/..%2Fivr.sqlite",
                        "/calls/wacid.C1/recordings/wacid_C1-..%2F..%2Fivr.sqlite",
                        "/calls/wacid.C1/recordings/%2Fetc%2Fpasswd", "/calls/wacid.C2/recordings/wacid_C1-ask.wav"] {
                #expect(try await Self.request(client, bad, bearer: Self.token).status == .notFound, "\(bad)")
            }
        }
    }

    @Test func theCSVNeutralisesFormulas() async throws {
        let s = try await Self.setup()
        defer { Task { await s.harness.close() } }
        try await s.server.adminApplication().test(.router) { client in
            let r = try await Self.request(client, "/calls.csv", bearer: Self.token)
            #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = r.body.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("received_at,call_id,") == true)
            #expect(lines.count == 2)
            // The caller is masked (***1234), so the formula never even reaches the file.
            #expect(!r.body.contains("HYPERLINK"))
        }
    }

    @Test func csvCells() {
        #expect(ConsoleRoutesTests.cell("=1+1") == "'=1+1")
        #expect(ConsoleRoutesTests.cell("+31") == "'+31")
        #expect(ConsoleRoutesTests.cell("-2") == "'-2")
        #expect(ConsoleRoutesTests.cell("@SUM(A1)") == "'@SUM(A1)")
        #expect(ConsoleRoutesTests.cell("a,b") == "\"a,b\"")
        #expect(ConsoleRoutesTests.cell("=\"x\",y") == "\"'=\"\"x\"\",y\"")
        #expect(ConsoleRoutesTests.cell("plain") == "plain")
    }

    static func cell(_ s: String) -> String { ConsoleFormat.csvCell(s) }

    @Test func loginSetsAStrictCookieAndRetryNeedsTheCSRFToken() async throws {
        let s = try await Self.setup()
        defer { Task { await s.harness.close() } }
        try await s.server.adminApplication().test(.router) { client in
            let bad = try await Self.request(client, "/login", method: .post, form: "token=nope&next=%2Foutbox")
            #expect(bad.status == .unauthorized)
            #expect(bad.headers[.setCookie] == nil)
            let evil = try await Self.request(client, "/login", method: .post,
                                              form: "token=\(Self.token)&next=%2F%2Fevil.example%2F")
            #expect(evil.headers[.location] == "/calls")
            // Browsers drop tabs and newlines from a URL and read a backslash as a slash: each of these would
            // lead to //evil.example, another site.
            for trick in ["%2F%09%2Fevil.example", "%2F%0A%2Fevil.example", "%2F%5Cevil.example", "%2F%20%2Fevil.example"] {
                let r = try await Self.request(client, "/login", method: .post, form: "token=\(Self.token)&next=\(trick)")
                #expect(r.headers[.location] == "/calls", "next=\(trick)")
            }
            #expect(AdminAuthMiddleware<IVRRequestContext>.safeNext("/calls?flow=main&since=7d") == "/calls?flow=main&since=7d")
            let login = try await Self.request(client, "/login", method: .post, form: "token=\(Self.token)&next=%2Foutbox")
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/outbox")
            let setCookie = try #require(login.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(setCookie.contains("Max-Age="))
            let cookie = String(setCookie.split(separator: ";")[0])
            let outbox = try await Self.request(client, "/outbox", cookie: cookie)
            #expect(outbox.status == .ok)
            let csrf = try #require(Self.hidden("csrf", in: outbox.body))
            let id = try #require(try await s.server.store.outboxMessages().first?.id)
            #expect(outbox.body.contains("/outbox/\(id)/retry"))
            // Without the token, or with another, the form is refused and nothing changes.
            #expect(try await Self.request(client, "/outbox/\(id)/retry", method: .post, cookie: cookie).status == .forbidden)
            #expect(try await Self.request(client, "/outbox/\(id)/retry", method: .post, cookie: cookie,
                                           form: "csrf=\(String(repeating: "0", count: 64))").status == .forbidden)
            #expect(try await s.server.store.outboxMessage(id: id)?.status == .failed)
            let retried = try await Self.request(client, "/outbox/\(id)/retry", method: .post, cookie: cookie, form: "csrf=\(csrf)")
            #expect(retried.status == .seeOther)
            #expect(try await s.server.store.outboxMessage(id: id)?.status != .failed)
            // A bearer client retries through the API (no cookie, so no CSRF token is needed).
            let again = try await Self.request(client, "/v1/outbox/\(id)/retry", method: .post, bearer: Self.token)
            #expect(again.status == .ok || again.status == .badRequest)
            // Logging out ends the session.
            #expect(try await Self.request(client, "/logout", method: .post, cookie: cookie, form: "csrf=\(csrf)").status == .seeOther)
            #expect(try await Self.request(client, "/outbox", cookie: cookie).status == .unauthorized)
        }
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test func theFlowPageAndStatsCountTheCalls() async throws {
        let s = try await Self.setup()
        defer { Task { await s.harness.close() } }
        try await s.server.adminApplication().test(.router) { client in
            let stats = try await Self.request(client, "/v1/flows/secure/stats?since=2025-01-01", bearer: Self.token).body
            #expect(stats.contains(#""calls":1"#))
            #expect(stats.contains(#""step":"bye""#))
            let page = try await Self.request(client, "/flows/secure?since=2025-01-01", bearer: Self.token).body
            #expect(page.contains(#"<tr data-step="bye"><td>bye</td><td class="reached">1</td>"#))
            #expect(try await Self.request(client, "/flows/nope", bearer: Self.token).status == .notFound)
            #expect(try await Self.request(client, "/v1/flows/nope/stats", bearer: Self.token).status == .notFound)
        }
    }

    @Test func everyTemplateParses() {
        #expect(ConsoleRenderer.shared.problems.isEmpty, "\(ConsoleRenderer.shared.problems)")
    }
}
