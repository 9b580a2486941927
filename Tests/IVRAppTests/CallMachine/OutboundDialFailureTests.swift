@testable import IVRApp
import Testing
@testable import WhatsApp

/// WhatsApp refuses `connect`: each Graph error code becomes a precise `end_reason` and error code.
@Suite struct OutboundDialFailureTests {
    static func graphError(_ code: Int, status: Int = 400, details: String? = nil) -> GraphError {
        .api(action: "connect", httpStatus: status, detail: GraphAPIErrorDetail(message: "m", code: code, details: details))
    }

    static let table: [(Int, String)] = [
        (138005, "rate_limited"), (138006, "no_permission"), (138012, "daily_limit"), (138013, "country_unavailable"),
        (138003, "call_ongoing"), (138009, "permission_request_limit"), (190, "graph_error"),
    ]

    @Test(arguments: table)
    func codeToReason(code: Int, reason: String) {
        var d = MachineDriver.placing(.dialing)
        d.feed(.mediaOffered)
        d.feed(.dialFailed(OutboundFailure(Self.graphError(code))))
        #expect(d.log.last?.finalizeReason?.code == reason)
        #expect(d.log.last?.finalizeReason?.errorCode == "\(code)")
        #expect(d.log.last?.finalizeReason?.sendsTerminate == false)
    }

    /// 138005 after the client's backoff gave up is still the rate limit; 138012 keeps its details.
    @Test func wrappedAndDetailedErrors() {
        let gaveUp = GraphError.gaveUp(action: "connect", attempts: 4, last: Self.graphError(138005, status: 429))
        #expect(OutboundFailure(gaveUp) == .rateLimited)
        let daily = OutboundFailure(Self.graphError(138012, details: "next call allowed at 1767225600"))
        #expect(daily == .dailyLimit(details: "next call allowed at 1767225600"))
        #expect(daily.description == "138012 daily business-initiated call limit: next call allowed at 1767225600")
    }

    @Test func anOfferThatCannotBeBuiltPlacesNothing() {
        var d = MachineDriver.placing(.dialing)
        d.feed(.mediaOfferFailed("no free UDP port"))
        #expect(d.log.last?.outboundEnd == .notPlaced("cannot build the SDP offer: no free UDP port"))
        #expect(!d.log.contains { $0.graphStep == .connect })
    }
}
