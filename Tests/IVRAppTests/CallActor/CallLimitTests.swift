import Foundation
@testable import IVRApp
import IVRTesting
import Store
import Testing

/// `server.max_calls`: a connect beyond the limit is refused with `reject`, its reason recorded and
/// counted; the active-calls and media-ports gauges follow the calls.
@Suite(.serialized) struct CallLimitTests {
    @Test func aCallBeyondTheLimitIsRejectedWithItsReason() async throws {
        let h = try await CallHarness(flows: ["vars": VariablesAcrossStepsTests.flow], maxCalls: 1)
        try await h.connect("wacid.FIRST")
        _ = try await h.answer("wacid.FIRST")
        try await h.connect("wacid.SECOND")
        let second = try #require(try await h.waitFinal("wacid.SECOND"))
        #expect(second.status == .rejected)
        #expect(second.endReason == "rejected")
        #expect(second.reason == "the server is at its call limit (server.max_calls = 1)")
        #expect(h.graphActions("reject") == ["wacid.SECOND"])
        #expect(h.media.channel("wacid.SECOND") == nil)  // refused before any port was taken
        let metrics = h.service.context.metrics.exposition()
        #expect(metrics.contains(#"ivr_calls_refused_total{reason="max_calls"} 1"#), "\(metrics)")
        #expect(metrics.contains("ivr_calls_active 1"), "\(metrics)")
        #expect(metrics.contains("ivr_media_ports_in_use 1"), "\(metrics)")
        await h.close()
        let after = h.service.context.metrics.exposition()
        #expect(after.contains("ivr_calls_active 0"), "\(after)")
        #expect(after.contains("ivr_media_ports_in_use 0"), "\(after)")
    }
}
