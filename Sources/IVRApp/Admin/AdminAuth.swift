import Foundation
import Hummingbird

/// Guards the admin listener. With a token configured every request needs
/// `Authorization: Bearer <token>`; without one only `GET /metrics` and `GET /healthz` are served
/// (the listener is then on loopback — `ConfigLoader` refuses anything else) and the rest answers 403.
public struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    public init(token: String?) {
        self.token = token
    }

    /// Paths that stay open when no token is configured.
    static var openWithoutToken: Set<String> { ["/metrics", "/healthz"] }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else {
            if request.method == .get || request.method == .head,
               Self.openWithoutToken.contains(request.uri.path) {
                return try await next(request, context)
            }
            return JSONReply.error(.forbidden, "the admin API and console are off: set IVR_ADMIN_TOKEN")
        }
        guard let presented = Self.bearer(request.headers[.authorization]),
              AdminToken.matches(presented, token) else {
            var response = JSONReply.error(.unauthorized, "a bearer token is required (Authorization: Bearer <IVR_ADMIN_TOKEN>)")
            response.headers[.wwwAuthenticate] = #"Bearer realm="ivrd-admin""#
            return response
        }
        return try await next(request, context)
    }

    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let value = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}

/// Token comparison that takes the same time wherever the first difference is.
public enum AdminToken {
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<b.count {
            diff |= (i < a.count ? a[i] : 0) ^ b[i]
        }
        return diff == 0 && a.count == b.count
    }
}
