import Foundation
import Wire

extension FlowEngine {
    mutating func startHTTP(_ h: HTTPStep, step: String, now: Instant) {
        httpCounter += 1
        let id = "\(step)-\(httpCounter)"
        let ctx = context
        var headers = h.headers.map { ($0.0, $0.1.render(ctx)) }
        var body: [UInt8]?
        if let b = h.body {
            body = Array(JSONSupport.render(b, ctx).utf8)
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { headers.append(("Content-Type", "application/json")) }
        }
        phase = .http(id: id)
        timer = .http
        deadline = now + h.timeout
        emit(.http(HTTPCallOut(id: id, method: h.method, url: h.url.renderURL(ctx), headers: headers, body: body,
                               timeout: h.timeout, allowHosts: flow.httpAllow, maxRedirects: h.redirects)))
    }

    /// A response, a failure or our own timeout. 2xx saves the fields and goes to `next`; anything else goes to
    /// `on_error` (or `next` when there is none). `vars.http_status` is set either way (0 when no response).
    mutating func httpFinished(status: Int?, body: [UInt8], failure: String?, now: Instant, timedOutID: String? = nil) {
        guard case let .http(h)? = current?.kind else { return }
        deadline = nil
        assign("http_status", .number(Double(status ?? 0)))
        if let status, (200..<300).contains(status) {
            let json = JSONSupport.parse(body)
            for (variable, path) in h.save { assign(variable, JSONSupport.value(at: path, in: json)) }
            phase = .idle
            advance(.httpStatus(status), to: current?.next?.name, now: now)
            return
        }
        phase = .idle
        let exit: PathExit = status.map { .httpStatus($0) } ?? .httpError(failure ?? "failed")
        advance(exit, to: h.onError?.name ?? current?.next?.name, now: now)
    }
}

/// JSON in and out for `http` steps: bodies rendered from templates, fields read from responses.
enum JSONSupport {
    static func render(_ t: JSONTemplate, _ ctx: EvaluationContext) -> String {
        switch t {
        case let .object(pairs):
            return "{" + pairs.map { quote($0.0) + ":" + render($0.1, ctx) }.joined(separator: ",") + "}"
        case let .array(items):
            return "[" + items.map { render($0, ctx) }.joined(separator: ",") + "]"
        case let .string(template):
            return encode(template.value(ctx))
        case let .number(n):
            return FlowValue.format(n)
        case let .bool(b):
            return b ? "true" : "false"
        case .null:
            return "null"
        }
    }

    static func encode(_ v: FlowValue) -> String {
        switch v {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n.isFinite ? FlowValue.format(n) : "null"
        case let .string(s): return quote(s)
        case let .list(items): return "[" + items.map(encode).joined(separator: ",") + "]"
        }
    }

    static func quote(_ s: String) -> String { JSONText.quoted(s) }

    static func parse(_ body: [UInt8]) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null
    }

    /// `patient.name`, `slots.0.time`: walks objects by key and lists by index; missing → null.
    /// An object or list found at the end is kept as its JSON text.
    static func value(at path: String, in root: JSONValue) -> FlowValue {
        var v = root
        for part in path.split(separator: ".") {
            switch v {
            case let .object(d): v = d[String(part)] ?? .null
            case let .array(items):
                guard let i = Int(part), items.indices.contains(i) else { return .null }
                v = items[i]
            default: return .null
            }
        }
        return v.flowValue
    }
}

/// A decoded JSON document.
indirect enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var flowValue: FlowValue {
        switch self {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .number(n): return .number(n)
        case let .string(s): return .string(s)
        case .array, .object: return .string(json)
        }
    }

    var json: String {
        switch self {
        case let .array(items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case let .object(d): return "{" + d.keys.sorted().map { JSONSupport.quote($0) + ":" + (d[$0] ?? .null).json }.joined(separator: ",") + "}"
        case let .string(s): return JSONSupport.quote(s)
        default: return JSONSupport.encode(flowValue)
        }
    }
}
