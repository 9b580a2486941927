import Foundation
import Store
import WhatsApp

/// Small formatting and parsing helpers shared by the console's pages, its CSV and the `/v1` API.
enum ConsoleFormat {
    static func time(_ d: Date?) -> String { CallsReport.time(d) }

    static func iso(_ d: Date?) -> String? {
        guard let d else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }

    static func duration(_ call: CallRecord) -> String { CallsReport.duration(call) }

    /// `application/x-www-form-urlencoded` (a query string or a form body): `+` is a space, `%XX` a byte.
    /// A repeated name keeps its first value; a malformed escape keeps the text as written.
    static func form(_ text: String?) -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if out[key] == nil { out[key] = value }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Percent-encodes a query value or a path segment (everything but unreserved characters).
    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func queryString(_ fields: [(String, String?)]) -> String {
        fields.compactMap { key, value in
            guard let value, !value.isEmpty else { return nil }
            return "\(key)=\(encode(value))"
        }.joined(separator: "&")
    }

    /// A CSV cell: quoted when needed, and a cell that a spreadsheet would run as a formula
    /// (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.
    static func csvCell(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            v = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    static func csvLine(_ cells: [String]) -> String { cells.map(csvCell).joined(separator: ",") + "\r\n" }

    /// The filters of `/calls`, `/calls.csv` and `/v1/calls`. An unreadable value is an error (400), never ignored.
    static func callQuery(_ fields: [String: String], now: Date, limitDefault: Int = 50) throws -> CallQuery {
        func nonEmpty(_ key: String) -> String? {
            guard let v = fields[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        var since: Date?, until: Date?
        if let s = nonEmpty("since") {
            guard let d = CallsReport.parseSince(s, now: now) else { throw ConsoleInputError("since: \(s) is not 24h, 7d or an ISO date") }
            since = d
        }
        if let u = nonEmpty("until") {
            guard let d = CallsReport.parseSince(u, now: now) else { throw ConsoleInputError("until: \(u) is not 24h, 7d or an ISO date") }
            until = d
        }
        var outcome: CallOutcomeClass?
        if let o = nonEmpty("outcome") {
            guard let c = CallOutcomeClass(rawValue: o) else {
                throw ConsoleInputError("outcome: \(o) is not one of \(CallOutcomeClass.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            outcome = c
        }
        let directions = ["USER_INITIATED", "BUSINESS_INITIATED"]
        if let d = nonEmpty("direction"), !directions.contains(d) {
            throw ConsoleInputError("direction: \(d) is not one of \(directions.joined(separator: ", "))")
        }
        let limit = try int(nonEmpty("limit"), name: "limit", default: limitDefault, range: 1...CallQuery.maxLimit)
        let offset = try int(nonEmpty("offset"), name: "offset", default: 0, range: 0...10_000_000)
        return CallQuery(since: since, until: until, flow: nonEmpty("flow"), flowVersion: nonEmpty("version"),
                         number: nonEmpty("number"), outcome: outcome, direction: nonEmpty("direction"),
                         limit: limit, offset: offset)
    }

    static func int(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw ConsoleInputError("\(name): \(text) is not a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    /// The query string of `q` (for paging links and the CSV link), with `offset` replaced.
    static func queryString(_ fields: [String: String], offset: Int?) -> String {
        let keys = ["since", "until", "flow", "version", "number", "outcome", "direction", "limit"]
        return queryString(keys.map { ($0, fields[$0]) } + [("offset", offset.map(String.init))])
    }
}

/// A filter or form value the console cannot read: answered with 400 and this message.
struct ConsoleInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
