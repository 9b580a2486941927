import Foundation
import IVRApp
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite struct JSONLogHandlerTests {
    @Test func writesOneJSONObjectPerLineWithMetadata() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "ivr.calls") { label in
            JSONLogHandler(label: label) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger[metadataKey: "call_id"] = "wacid.1"
        logger.info("incoming call", metadata: ["caller": "***1234"])
        let captured = lines.withLockedValue { $0 }
        #expect(captured.count == 1)
        #expect(!captured[0].contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(captured[0].utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "incoming call")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "ivr.calls")
        #expect(object["call_id"] as? String == "wacid.1")
        #expect(object["caller"] as? String == "***1234")
        #expect(object["ts"] is String)
    }
}
