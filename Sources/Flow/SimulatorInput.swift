import Foundation

/// One thing the simulated caller does.
public enum SimulatorInput: Sendable, Equatable {
    /// Key presses, one after the other (`"1"`, `"1234#"`).
    case digits(String)
    /// A spoken keyword, as the recognizer would report it.
    case say(String, confidence: Double)
    /// The caller does nothing for this long.
    case wait(Duration)
    case hangup

    /// Reads `1`, `1234#`, `digits:1234`, `say:sales`, `say:sales@0.4`, `wait:6s`, `hangup`.
    public static func parse(_ text: String) throws(FlowError) -> SimulatorInput {
        let expected = "keys (1, 1234#, digits:12), say:WORD[@CONFIDENCE], wait:DURATION (6s, 500ms) or hangup"
        if text == "hangup" { return .hangup }
        if text.hasPrefix("say:") {
            let rest = text.dropFirst(4)
            let parts = rest.split(separator: "@", maxSplits: 1)
            guard let word = parts.first, !word.isEmpty else { throw .simulatorInput(text: text, expected: expected) }
            var confidence = 1.0
            if parts.count == 2 {
                guard let c = Double(parts[1]), (0...1).contains(c) else { throw .simulatorInput(text: text, expected: "a confidence from 0 to 1 after '@'") }
                confidence = c
            }
            return .say(String(word), confidence: confidence)
        }
        if text.hasPrefix("wait:") {
            do {
                return .wait(try FlowDuration.parse(String(text.dropFirst(5))))
            } catch {
                throw .simulatorInput(text: text, expected: "a duration after 'wait:' like 6s or 500ms")
            }
        }
        let keys = text.hasPrefix("digits:") ? String(text.dropFirst(7)) : text
        guard !keys.isEmpty, keys.allSatisfy({ NodeReader.dtmfKeys.contains($0) }) else {
            throw .simulatorInput(text: text, expected: expected)
        }
        return .digits(keys)
    }
}

/// Canned HTTP answers for the simulator, read from a JSON file:
///
///     { "POST https://api.example.com/lookup": { "status": 200, "body": { "time": "10:30" } },
///       "https://api.example.com/health": { "status": 503, "body": "down" },
///       "GET https://slow.example.com/": { "error": "timed out" } }
///
/// Keys are `METHOD URL` or just `URL` (any method); `body` is JSON (sent as its text) or a string (sent as is).
public struct HTTPFixtures: Sendable {
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
        /// When set, the request fails with this reason instead of answering.
        public var failure: String?

        public init(status: Int = 200, body: [UInt8] = [], failure: String? = nil) {
            self.status = status
            self.body = body
            self.failure = failure
        }
    }

    public var responses: [String: Response]

    public init(_ responses: [String: Response] = [:]) { self.responses = responses }

    public static func load(path: String) throws(FlowError) -> HTTPFixtures {
        guard let data = FileManager.default.contents(atPath: path) else { throw .file(path: path, reason: "cannot read the HTTP fixture file") }
        guard case let .object(entries)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw .file(path: path, reason: "expected a JSON object mapping \"METHOD URL\" to {status, body} or {error}")
        }
        var out: [String: Response] = [:]
        for (key, value) in entries {
            guard case let .object(fields) = value else {
                throw .file(path: path, reason: "fixture '\(key)' must be an object with status and body, or error")
            }
            var r = Response()
            if case let .number(n)? = fields["status"] {
                // Range-checked before the conversion: Int(1e300) or Int(.nan) would trap.
                guard n.isFinite, n == n.rounded(), (100...599).contains(n) else {
                    throw .file(path: path, reason: "fixture '\(key)': status must be a whole number from 100 to 599, got \(FlowValue.format(n))")
                }
                r.status = Int(n)
            }
            switch fields["body"] {
            case let .string(s)?: r.body = Array(s.utf8)
            case let b?: r.body = Array(b.json.utf8)
            case nil: break
            }
            if case let .string(e)? = fields["error"] { r.failure = e }
            out[key] = r
        }
        return HTTPFixtures(out)
    }

    public func response(method: String, url: String) -> Response? {
        responses["\(method) \(url)"] ?? responses[url]
    }
}
