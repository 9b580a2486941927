import Foundation
import Hashing
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import Wire

/// Guards the admin listener. With a token configured every request needs either
/// `Authorization: Bearer <token>` (scripts, the `/v1` API) or the console's session cookie, which
/// `POST /login` sets after checking the same token (HttpOnly, SameSite=Strict, expiring). A request
/// authenticated by the cookie that changes state (any method but GET and HEAD) must also carry the
/// session's CSRF token (form field `csrf` or header `X-CSRF-Token`). Without credentials, the API
/// paths answer 401 JSON and the console's pages 401 with the login form.
///
/// Without a token only `GET /metrics` and `GET /healthz` are served (the listener is then on
/// loopback — `ConfigLoader` refuses anything else) and the rest answers 403.
///
/// Wrong tokens (a bearer or a login) are charged to the source address (`FailureLimiter`): once its
/// allowance is spent, its token attempts are answered 429 without being checked, counted in
/// `ivr_admin_auth_rate_limited_total`. A browser already logged in from that address keeps working.
public struct AdminAuthMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let token: String?
    let sessions: AdminSessions?
    let metrics: IVRMetrics?
    private let limiter: SourceLimiter

    /// `proxies`: peers whose `X-Forwarded-For` names the client the limiter charges (see `TrustedProxies`).
    public init(token: String?, sessions: AdminSessions? = nil, metrics: IVRMetrics? = nil,
                limits: FailureLimiter.Limits = Self.defaultLimits, proxies: TrustedProxies = .init(),
                clock: any MonotonicClock = SystemMonotonicClock()) {
        self.token = token
        self.sessions = sessions
        self.metrics = metrics
        self.limiter = SourceLimiter(limits: limits, proxies: proxies, clock: clock)
    }

    /// 20 wrong tokens at once, then one every 6 s (the token has at least 16 characters: guessing is
    /// hopeless anyway; this keeps a guesser from costing hashes and log lines).
    public static var defaultLimits: FailureLimiter.Limits { .init(burst: 20, perMinute: 10, maxSources: 10_000) }

    /// Whether the source may present a token now; if not, the 429 to answer.
    private func refusal(_ source: String) -> Response? {
        guard !limiter.allows(source) else { return nil }
        metrics?.adminAuthRateLimited()
        return JSONReply.error(.tooManyRequests, "too many wrong admin tokens from this address; try again in a minute")
    }

    private func charge(_ source: String) {
        limiter.charge(source)
    }

    /// Paths that stay open when no token is configured.
    static var openWithoutToken: Set<String> { ["/metrics", "/healthz"] }

    /// Paths answered with JSON (or Prometheus text), never with the login page.
    static func isAPI(_ path: String) -> Bool {
        openWithoutToken.contains(path) || path == "/v1" || path.hasPrefix("/v1/")
    }

    /// The largest form the console posts (a login, a retry).
    static var maxFormBytes: Int { 16 * 1024 }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else {
            if request.method == .get || request.method == .head,
               Self.openWithoutToken.contains(request.uri.path) {
                return try await next(request, context)
            }
            return JSONReply.error(.forbidden, "the admin API and console are off: set IVR_ADMIN_TOKEN")
        }
        let path = request.uri.path
        let source = limiter.source(peer: context.remoteAddress, headers: request.headers)
        if let presented = Self.bearer(request.headers[.authorization]) {
            if let refused = refusal(source) { return refused }
            guard AdminToken.matches(presented, token) else {
                charge(source)
                return Self.unauthorized()
            }
            return try await next(request, context)
        }
        if let sessions {
            if path == "/login" {
                return try await login(request, token: token, sessions: sessions, source: source)
            }
            if path == "/console.css", request.method == .get { return try await next(request, context) }
            if let id = AdminSessions.cookieValue(request.headers[.cookie]), let session = sessions.session(id: id) {
                var request = request
                if request.method != .get, request.method != .head {
                    guard try await Self.csrfMatches(&request, session.csrf) else {
                        return ConsoleRenderer.shared.error(.forbidden, "the form's CSRF token is missing or wrong: reload the page and try again",
                                                            csrf: session.csrf)
                    }
                    if path == "/logout" {
                        sessions.end(id: id)
                        return Response(status: .seeOther, headers: [.location: "/login", .setCookie: AdminSessions.clearCookie])
                    }
                }
                return try await next(request, context)
            }
            if !Self.isAPI(path) {
                let target = path + (request.uri.query.map { "?" + $0 } ?? "")
                return ConsoleRenderer.shared.login(next: request.method == .get ? target : "/calls")
            }
        }
        return Self.unauthorized()
    }

    static func unauthorized() -> Response {
        var response = JSONReply.error(.unauthorized, "a bearer token is required (Authorization: Bearer <IVR_ADMIN_TOKEN>)")
        response.headers[.wwwAuthenticate] = #"Bearer realm="ivrd-admin""#
        return response
    }

    /// `GET /login`: the form. `POST /login`: the token checked; a new session and a redirect to `next`
    /// (a path on this listener only: never another site).
    func login(_ request: Request, token: String, sessions: AdminSessions, source: String) async throws -> Response {
        var request = request
        guard request.method == .post else {
            let next = ConsoleFormat.form(request.uri.query)["next"]
            return ConsoleRenderer.shared.login(next: Self.safeNext(next), status: .ok)
        }
        let body = try await request.collectBody(upTo: Self.maxFormBytes)
        // The allowance is read after the body is in, with no suspension between the check and the charge
        // below: logins sent together with slow bodies would otherwise all pass the check first.
        if let refused = refusal(source) { return refused }
        let fields = ConsoleFormat.form(String(buffer: body))
        let next = Self.safeNext(fields["next"])
        guard let presented = fields["token"], AdminToken.matches(presented, token) else {
            charge(source)
            return ConsoleRenderer.shared.login(next: next, error: "That token is not the admin token.")
        }
        let (id, _) = sessions.create()
        return Response(status: .seeOther, headers: [.location: next, .setCookie: sessions.setCookie(id: id)])
    }

    /// A redirect target after login: a local absolute path, else `/calls`. Only visible ASCII without a
    /// backslash: browsers drop tabs and newlines from a URL and read `\\` as `/`, so `/<tab>/evil.example`
    /// would be followed as `//evil.example`, another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/login"),
              next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }) else { return "/calls" }
        return next
    }

    /// The request's CSRF token (header, else the form field) against the session's.
    static func csrfMatches(_ request: inout Request, _ expected: String) async throws -> Bool {
        if let name = HTTPField.Name("X-CSRF-Token"), let header = request.headers[name] {
            return AdminToken.matches(header, expected)
        }
        let body = try await request.collectBody(upTo: maxFormBytes)
        guard let presented = ConsoleFormat.form(String(buffer: body))["csrf"] else { return false }
        return AdminToken.matches(presented, expected)
    }

    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let value = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}

/// Token comparison that takes the same time wherever the first difference is, and whatever the
/// presented length: the digests compared are always 32 bytes (`constantTimeEqual` from Hashing).
public enum AdminToken {
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        constantTimeEqual(Digest.sha256(Array(presented.utf8)), Digest.sha256(Array(expected.utf8)))
    }
}
