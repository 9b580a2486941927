/// A call-out URL taken apart strictly: `http` or `https`, no user info, a host name or IP literal,
/// an optional port, and the path with its query. What the edge checks against the allow-list
/// and the resolved address; also what `ivrd validate` checks in a constant `url`.
public struct CallOutURL: Sendable, Equatable {
    public var scheme: String
    /// Lowercase; an IPv6 literal without its brackets.
    public var host: String
    public var port: Int
    /// The path and query (`/a/b?c=d`), `/` when empty; the fragment is dropped.
    public var target: String

    public init(scheme: String, host: String, port: Int, target: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.target = target
    }

    public var isIPLiteral: Bool { Self.isIPLiteral(host) }

    /// The URL as it is sent (`https://host:port/target`; the port only when not the scheme's).
    public var string: String {
        let h = host.contains(":") ? "[\(host)]" : host
        let defaultPort = scheme == "https" ? 443 : 80
        return "\(scheme)://\(h)\(port == defaultPort ? "" : ":\(port)")\(target)"
    }

    public static func parse(_ text: String) throws(CallOutURLError) -> CallOutURL {
        guard let sep = text.range(of: "://") else { throw .notAbsolute(text) }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw .scheme(scheme) }
        let rest = text[sep.upperBound...]
        if let bad = rest.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" }) {
            throw .badCharacter("U+" + String(bad.value, radix: 16, uppercase: true))
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") { throw .userInfo }
        var hostPart = Substring(authority)
        var portText: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw .badHost(String(authority)) }
            let after = hostPart[hostPart.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .badHost(String(authority)) }
                portText = after.dropFirst()
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.firstIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        let host = hostPart.lowercased()
        guard !host.isEmpty else { throw .noHost }
        guard isHostName(host) || isIPLiteral(host) else { throw .badHost(host) }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII), let p = Int(portText),
                  (1...65535).contains(p) else { throw .badPort(String(portText)) }
            port = p
        }
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !hasDotSegment(target) else { throw .dotSegment }
        return CallOutURL(scheme: scheme, host: host, port: port, target: target)
    }

    /// A `Location` header resolved against this URL: absolute, or starting with `/` (same origin).
    public func redirect(to location: String) throws(CallOutURLError) -> CallOutURL {
        if location.hasPrefix("//") { return try Self.parse(scheme + ":" + location) }
        if location.hasPrefix("/") {
            var next = self
            var target = location
            if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
            guard !target.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw .badCharacter("in Location")
            }
            guard !Self.hasDotSegment(target) else { throw .dotSegment }
            next.target = target
            return next
        }
        return try Self.parse(location)
    }

    /// Whether the path (before any `?`) has a `.` or `..` segment, written out or percent-encoded
    /// (`%2E` is the same character, RFC 3986 6.2.2.2): a server resolves it to another path, so a value
    /// rendered into a segment (`/confirm/{{code}}` with `..`) could reach a path the flow never named.
    static func hasDotSegment(_ target: String) -> Bool {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path.split(separator: "/").contains { segment in
            Self.dotSegments.contains(segment.lowercased())
        }
    }

    static let dotSegments: Set<String> = [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."]

    /// Letters, digits, `-` and `.` in dot-separated labels of 1–63 characters, at most 253 in all.
    public static func isHostName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        }
    }

    /// An IPv4 dotted quad or an IPv6 address (hex groups and colons, optionally ending in a dotted quad).
    public static func isIPLiteral(_ s: String) -> Bool {
        if s.contains(":") {
            return s.count >= 2 && s.utf8.allSatisfy { $0 == 0x3A || $0 == 0x2E || ($0 >= 0x30 && $0 <= 0x39)
                || ($0 >= 0x61 && $0 <= 0x66) }
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && Int(p).map { (0...255).contains($0) } == true
                && p.allSatisfy(\.isNumber)
        }
    }
}

public enum CallOutURLError: Error, Equatable, CustomStringConvertible {
    case notAbsolute(String)
    case scheme(String)
    case userInfo
    case noHost
    case badHost(String)
    case badPort(String)
    case badCharacter(String)
    case dotSegment

    public var description: String {
        switch self {
        case let .notAbsolute(t): return "'\(t.prefix(80))' is not an absolute http:// or https:// URL"
        case let .scheme(s): return "scheme '\(s)' is not allowed: only http and https"
        case .userInfo: return "user info ('user@' before the host) is not allowed in a call-out URL"
        case .noHost: return "the URL has no host"
        case let .badHost(h): return "'\(h.prefix(80))' is not a host name or IP address"
        case let .badPort(p): return "port '\(p.prefix(10))' is not a number 1–65535"
        case let .badCharacter(c): return "the URL contains a space or control character (\(c))"
        case .dotSegment: return "the path has a '.' or '..' segment, which a server would resolve to another path"
        }
    }
}
