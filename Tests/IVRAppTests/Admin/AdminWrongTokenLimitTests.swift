import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IVRApp
import IVRTesting
import NIOCore
import Testing

/// Wrong admin tokens are charged to their source address: after the allowance, token attempts from it
/// get 429 (counted in /metrics) without being checked, the allowance comes back with time, and a browser
/// session already logged in keeps working meanwhile.
@Suite struct AdminWrongTokenLimitTests {
    static let token = "admin-token-for-tests-0123456789"

    func execute(_ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get,
                 bearer: String? = nil, cookie: String? = nil, form: String? = nil) async throws -> (HTTPResponse.Status, HTTPFields) {
        var headers = HTTPFields()
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let cookie { headers[.cookie] = cookie }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) {
            ($0.status, $0.headers)
        }
    }

    @Test func wrongTokensFromOneSourceAreLimited() async throws {
        let clock = ManualClock()
        let metrics = IVRMetrics()
        let sessions = AdminSessions()
        let router = Router(context: IVRRequestContext.self)
        router.add(middleware: AdminAuthMiddleware<IVRRequestContext>(
            token: Self.token, sessions: sessions, metrics: metrics,
            limits: .init(burst: 3, perMinute: 6, maxSources: 100), clock: clock))
        router.get("v1/echo") { _, _ in "echo\n" }
        router.get("calls") { _, _ in "calls\n" }
        try await Application(router: router).test(.router) { client in
            // A login first: its session must outlive the limit.
            let (loginStatus, loginHeaders) = try await execute(client, "/login", method: .post, form: "token=\(Self.token)&next=/calls")
            #expect(loginStatus == .seeOther)
            let cookie = try #require(loginHeaders[.setCookie]?.split(separator: ";").first.map(String.init))

            for _ in 0..<2 { #expect(try await execute(client, "/v1/echo", bearer: "wrong-token-wrong-token").0 == .unauthorized) }
            // A wrong login form counts too.
            #expect(try await execute(client, "/login", method: .post, form: "token=nope&next=/calls").0 == .unauthorized)
            // Allowance spent: even the right token is not checked now.
            #expect(try await execute(client, "/v1/echo", bearer: "wrong-token-wrong-token").0 == .tooManyRequests)
            #expect(try await execute(client, "/v1/echo", bearer: Self.token).0 == .tooManyRequests)
            #expect(try await execute(client, "/login", method: .post, form: "token=\(Self.token)").0 == .tooManyRequests)
            #expect(metrics.exposition().contains("ivr_admin_auth_rate_limited_total 3"))
            // The logged-in browser is not affected.
            #expect(try await execute(client, "/calls", cookie: cookie).0 == .ok)
            // 10 s later one token (6 a minute) is back.
            clock.advance(by: .seconds(10))
            #expect(try await execute(client, "/v1/echo", bearer: Self.token).0 == .ok)
        }
    }
}
