/// One request an `http` step asks for: the URL with its template values percent-encoded, and
/// the limits the edge must enforce before it connects (hosts the flow allows, redirects).
public struct HTTPCallOut: Sendable, Equatable {
    public var id: String
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    public var timeout: Duration
    /// The flow's `http_allow` host patterns (the daemon adds `flows.http_allow`).
    public var allowHosts: [String]
    /// Redirects the step may follow (`redirects:`, default 0: a 3xx answer is the step's result).
    public var maxRedirects: Int

    public init(id: String, method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                timeout: Duration, allowHosts: [String] = [], maxRedirects: Int = 0) {
        self.id = id
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.allowHosts = allowHosts
        self.maxRedirects = maxRedirects
    }

    public static func == (a: HTTPCallOut, b: HTTPCallOut) -> Bool {
        a.id == b.id && a.method == b.method && a.url == b.url && a.body == b.body && a.timeout == b.timeout
            && a.headers.map { $0.0 + ":" + $0.1 } == b.headers.map { $0.0 + ":" + $0.1 }
            && a.allowHosts == b.allowHosts && a.maxRedirects == b.maxRedirects
    }
}

/// An entry of `http_allow`: a host name (`api.example.com`), every subdomain of a domain
/// (`*.example.com`, not the domain itself), or an IP address (`10.0.0.5`, `::1` or `[::1]`).
public struct HostPattern: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case exact(String), suffix(String) }
    let kind: Kind

    public init?(_ text: String) {
        var t = text.lowercased()
        if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        if t.hasPrefix("*.") {
            let domain = String(t.dropFirst(2))
            guard CallOutURL.isHostName(domain), domain.contains(".") else { return nil }
            kind = .suffix("." + domain)
        } else {
            guard CallOutURL.isHostName(t) || CallOutURL.isIPLiteral(t) else { return nil }
            kind = .exact(t)
        }
    }

    /// Whether `host` (lowercase, IPv6 without brackets) is this pattern.
    public func matches(_ host: String) -> Bool {
        switch kind {
        case let .exact(h): return host == h
        case let .suffix(s): return host.hasSuffix(s) && host.count > s.count
        }
    }

    /// Whether any of `patterns` matches `host`.
    public static func any(_ patterns: [String], match host: String) -> Bool {
        patterns.contains { HostPattern($0)?.matches(host) ?? false }
    }
}
