import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the console's pages from `ConsoleTemplates` and answers them with the console's headers:
/// no caching, no sniffing, no framing, no referrer, and a Content-Security-Policy that allows no
/// script at all (the pages need none: the live page refreshes with a meta tag).
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    /// Templates that did not parse (a test asserts there are none).
    let problems: [String]

    static let shared = ConsoleRenderer()

    init() {
        var library = MustacheLibrary()
        var problems: [String] = []
        for (name, text) in ConsoleTemplates.all.sorted(by: { $0.key < $1.key }) {
            do { try library.register(text, named: name) } catch { problems.append("\(name): \(error)") }
        }
        self.library = library
        self.problems = problems
    }

    static let securityHeaders: HTTPFields = {
        var fields: HTTPFields = [
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-store",
        ]
        if let name = HTTPField.Name("Referrer-Policy") { fields[name] = "no-referrer" }
        if let name = HTTPField.Name("X-Frame-Options") { fields[name] = "DENY" }
        return fields
    }()

    func html(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let body = library.render(Self.unwrapped(context) ?? [:], withTemplate: template) ?? "template \(template) is missing"
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The context with every `nil` removed and every optional unwrapped (a `nil` kept inside `Any`
    /// would render as the text "nil" and count as true in a section).
    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let inner = mirror.children.first?.value else { return nil }
            return unwrapped(inner)
        }
        if let dict = value as? [String: Any] { return dict.compactMapValues(unwrapped) }
        if let array = value as? [Any] { return array.compactMap(unwrapped) }
        return value
    }

    func error(_ status: HTTPResponse.Status, _ message: String, csrf: String?) -> Response {
        html("error", ["title": "\(status.code) \(status.reasonPhrase)", "message": message, "csrf": csrf as Any],
             status: status)
    }

    /// The login form, answered with 401 to a request without credentials.
    func login(next: String, error: String? = nil, status: HTTPResponse.Status = .unauthorized) -> Response {
        var response = html("login", ["title": "Log in", "next": next, "error": error as Any], status: status)
        response.headers[.wwwAuthenticate] = #"Bearer realm="ivrd-admin""#
        return response
    }

    static func css() -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ConsoleStyle.css)))
    }
}
