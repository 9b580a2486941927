/// Where in a URL a template hole sits, judged from the literal text before it.
enum URLPart: Sendable, Equatable {
    /// Before `://`: the hole supplies the scheme (and probably more); inserted as it is.
    case scheme
    /// Between `://` and the path: the host or port.
    case authority
    case path
    case query
    case fragment

    /// Moves through a literal piece of the URL.
    func after(_ text: String) -> URLPart {
        var part = self
        var rest = Substring(text)
        if part == .scheme {
            guard let sep = rest.range(of: "://") else { return .scheme }
            part = .authority
            rest = rest[sep.upperBound...]
        }
        for c in rest {
            switch (part, c) {
            case (.authority, "/"): part = .path
            case (.authority, "?"), (.path, "?"): part = .query
            case (.authority, "#"), (.path, "#"), (.query, "#"): part = .fragment
            default: break
            }
        }
        return part
    }
}

extension Template {
    /// The part of the URL each hole sits in, in order.
    var urlHoleParts: [URLPart] {
        var part = URLPart.scheme
        var out: [URLPart] = []
        for p in parts {
            switch p {
            case let .text(t): part = part.after(t)
            case .hole:
                out.append(part)
                // A hole before `://` brings its own scheme and host: what follows is path or later.
                if part == .scheme { part = .path }
            }
        }
        return out
    }

    /// Renders a URL: each hole's value is percent-encoded for where it sits (in a path segment a
    /// `/` is encoded too, in a query `&`, `=` and `#` are), so a caller's input cannot change the
    /// URL's structure. A hole in the host is encoded to a host's characters; one before `://`
    /// is inserted as it is. The edge still parses and checks the whole result before connecting.
    func renderURL(_ context: EvaluationContext) -> String {
        var part = URLPart.scheme
        var out = ""
        for p in parts {
            switch p {
            case let .text(t):
                out += t
                part = part.after(t)
            case let .hole(e):
                let value = e.evaluate(context).description
                switch part {
                case .scheme:
                    out += value
                    part = .path
                case .authority:
                    out += URLEncoding.encode(value, keeping: URLEncoding.hostExtras)
                case .path, .query, .fragment:
                    out += URLEncoding.encode(value, keeping: [])
                }
            }
        }
        return out
    }
}

/// RFC 3986 percent-encoding of UTF-8 bytes.
public enum URLEncoding {
    /// Kept in a host: `.`, `:` (port), `[` and `]` (IPv6 literals).
    static let hostExtras: Set<UInt8> = [0x2E, 0x3A, 0x5B, 0x5D]

    /// Every byte except the unreserved ones (`A–Z a–z 0–9 - . _ ~`) and `keeping` becomes `%XX`.
    public static func encode(_ text: String, keeping: Set<UInt8> = []) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            if unreserved || keeping.contains(b) {
                out.append(b)
            } else {
                out += [0x25, hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
