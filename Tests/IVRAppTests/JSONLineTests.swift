import Foundation
import IVRApp
import Logging
import Testing

/// The JSON log line is written by hand: it must stay valid JSON whatever the values hold, and give the
/// same line for the same record.
@Suite struct JSONLineTests {
    static func parse(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func awkwardStringsSurviveAsTheyWere() throws {
        let awkward = ["quote \" and backslash \\ and slash /", "lines\nand\r\ttabs", "bell \u{07} nul \u{00} esc \u{1B}",
                       "\u{08}\u{0C}\u{1F}", "naïve café ☎️ 𝄞", "\u{2028}\u{2029}", "", "}\"]{"]
        for s in awkward {
            let line = JSONLine.render(timestamp: "t", level: "info", label: "l", message: s, metadata: ["v": .string(s), s: "key"])
            #expect(!line.contains("\n"), "a line break inside \(line)")
            let object = try Self.parse(line)
            #expect(object["msg"] as? String == s)
            #expect(object["v"] as? String == s)
            if !["ts", "level", "label", "msg", "v"].contains(s) { #expect(object[s] as? String == "key") }
        }
    }

    @Test func nestedValuesAreArraysAndObjectsWithSortedKeys() throws {
        let metadata: Logger.Metadata = [
            "path": .array([.string("menu"), .string("sales")]),
            "z": .dictionary(["b": "2", "a": .array([]), "c": .dictionary([:])]),
            "count": .stringConvertible(42),
        ]
        let line = JSONLine.render(timestamp: "t", level: "notice", label: "ivr", message: "m", metadata: metadata)
        #expect(line == #"{"ts":"t","level":"notice","label":"ivr","msg":"m","count":"42","path":["menu","sales"],"z":{"a":[],"b":"2","c":{}}}"#)
        let object = try Self.parse(line)
        #expect(object["path"] as? [String] == ["menu", "sales"])
    }

    @Test func metadataCannotReplaceTheRecordsOwnFields() throws {
        let line = JSONLine.render(timestamp: "t", level: "info", label: "ivr", message: "real",
                                   metadata: ["msg": "forged", "level": "critical", "ts": "x", "label": "y", "k": "v"])
        let object = try Self.parse(line)
        #expect(object["msg"] as? String == "real")
        #expect(object["level"] as? String == "info")
        #expect(object.count == 5)
    }

    @Test func timestampsAreUTCISO8601() {
        #expect(LogTimestamp.format(seconds: 0, milliseconds: 0, fractional: true) == "1970-01-01T00:00:00.000Z")
        #expect(LogTimestamp.format(seconds: 1_796_602_993, milliseconds: 7, fractional: true) == "2026-12-07T00:23:13.007Z")
        #expect(LogTimestamp.format(seconds: 951_782_400, milliseconds: 999, fractional: false) == "2000-02-29T00:00:00Z")
        let now = LogTimestamp.now(fractional: true)
        let parsed = ISO8601DateFormatter.withFractionalSeconds.date(from: now)
        #expect(parsed.map { abs($0.timeIntervalSinceNow) < 3600 } == true, "\(now)")
    }
}

extension ISO8601DateFormatter {
    static var withFractionalSeconds: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}
