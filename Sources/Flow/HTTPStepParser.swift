import Yams

extension NodeReader {
    static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    func parseHTTP(_ node: Node) -> HTTPStep? {
        guard let f = mapping(node, what: "http", allowed: Self.httpKeys, required: ["url"]) else { return nil }
        var h = HTTPStep(method: "GET", url: Template(source: "", parts: []), headers: [], body: nil,
                         timeout: .seconds(5), save: [], onError: nil)
        var methodKnown = true
        if let n = f["method"], let m = string(n, what: "'method'") {
            if Self.httpMethods.contains(m.uppercased()) {
                h.method = m.uppercased()
            } else {
                methodKnown = false
                error(n, "'method' must be one of \(Self.httpMethods.joined(separator: ", ")), got '\(m)'")
            }
        }
        if let n = f["url"], let t = template(n, what: "'url'") {
            h.url = t
            checkURL(t, node: n)
        }
        if let n = f["headers"] {
            if case let .mapping(m) = n {
                for (k, v) in m {
                    guard let name = string(k, what: "header name"), let t = template(v, what: "header '\(name)'") else { continue }
                    h.headers.append((name, t))
                }
            } else {
                error(n, "'headers' must be a mapping of header names to values, got \(Self.describe(n))")
            }
        }
        if let n = f["body"] {
            h.body = jsonTemplate(n)
            if h.method == "GET", methodKnown { error(n, "a GET request has no 'body'; use method: POST (or PUT, PATCH)") }
        }
        if let n = f["timeout"], let d = duration(n, what: "'timeout'", max: .seconds(30)) { h.timeout = d }
        if let n = f["save"] {
            if case let .mapping(m) = n {
                for (k, v) in m {
                    guard let variable = identifier(k, what: "variable name in 'save'"),
                          let path = string(v, what: "response field of '\(variable)'") else { continue }
                    h.save.append((variable, path))
                }
            } else {
                error(n, "'save' must be a mapping of variable names to response fields (like patient.name), got \(Self.describe(n))")
            }
        }
        if let n = f["on_error"] { h.onError = ref(n, what: "'on_error'") }
        if let n = f["redirects"], let r = int(n, what: "'redirects'", range: 0...10) { h.redirects = r }
        return h
    }

    /// A constant URL is parsed as the daemon will (http/https only, no user info, a valid host).
    /// A template whose scheme or host comes from a value cannot be checked here: a warning says
    /// so, and the daemon checks the rendered URL against `http_allow` before connecting.
    func checkURL(_ t: Template, node n: Node) {
        if t.isConstant {
            do throws(CallOutURLError) {
                _ = try CallOutURL.parse(t.source)
            } catch .notAbsolute {
                self.error(n, "'url' must start with http:// or https://, got '\(t.source)'")
            } catch {
                self.error(n, "'url': \(error)")
            }
            return
        }
        if case let .text(lead)? = t.parts.first, let sep = lead.range(of: "://") {
            let scheme = lead[..<sep.lowerBound].lowercased()
            if scheme != "http", scheme != "https" {
                error(n, "'url': scheme '\(scheme)' is not allowed: only http and https")
                return
            }
            let authority = lead[sep.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if authority.contains("@") {
                error(n, "'url': user info ('user@' before the host) is not allowed in a call-out URL")
                return
            }
        }
        let parts = t.urlHoleParts
        if parts.contains(.scheme) {
            warning(n, "'url' cannot be checked before the call runs: its scheme and host come from a template value; only the allow-list (http_allow, flows.http_allow) and the address checks limit where it goes")
        } else if parts.contains(.authority) {
            warning(n, "'url' cannot be checked before the call runs: its host comes from a template value; only the allow-list (http_allow, flows.http_allow) and the address checks limit where it goes")
        }
    }

    /// A YAML value as a JSON body whose strings are templates.
    func jsonTemplate(_ node: Node) -> JSONTemplate? {
        switch node {
        case let .mapping(m):
            var pairs: [(String, JSONTemplate)] = []
            for (k, v) in m {
                guard let key = string(k, what: "body key"), let value = jsonTemplate(v) else { continue }
                pairs.append((key, value))
            }
            return .object(pairs)
        case let .sequence(seq):
            return .array(seq.compactMap { jsonTemplate($0) })
        case let .scalar(s):
            if s.style == .plain {
                if node.null != nil { return .null }
                if let b = node.bool { return .bool(b) }
                if let n = node.float { return .number(n) }
            }
            do {
                return .string(try Template.parse(s.string))
            } catch {
                self.error(node, "body: \(error)")
                return nil
            }
        case .alias:
            error(node, "body values cannot be YAML aliases")
            return nil
        }
    }
}
