import AsyncHTTPClient
import IVRTesting
import Logging
import Testing
import WhatsApp

/// `Retry-After` from a real HTTP answer (the loopback Graph stand-in): absurd values neither trap
/// nor postpone the retry past `maxRetryAfter`, and a wait past the deadline gives up at once.
@Suite struct RetryAfterTests {
    func client(_ standIn: GraphStandIn, maxRetryAfter: Duration) -> GraphClient {
        GraphClient(http: .shared, endpoint: .meta(baseURL: standIn.baseURL, apiVersion: "v23.0", accessToken: "T"),
                    retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(5), jitter: 0),
                    requestTimeout: .seconds(120), maxRetryAfter: maxRetryAfter, logger: Logger(label: "test"))
    }

    static func limited(_ retryAfter: String) -> GraphStandIn.Reply {
        var reply = GraphStandIn.Reply.error(status: 429, code: 4, message: "Application request limit reached")
        reply.headers["Retry-After"] = retryAfter
        return reply
    }

    @Test(arguments: [String(Int.max), "10000000000", "99999999999999999999999", "-3", "soon"])
    func anAbsurdRetryAfterIsCappedAndTheRetryHappens(_ value: String) async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(Self.limited(value))
        try await client(standIn, maxRetryAfter: .milliseconds(20))
            .preAccept(callID: "wacid.RA", sdp: "v=0", phoneNumberID: "42", deadline: .now + .seconds(120))
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 2)
    }

    @Test func aRetryAfterPastTheDeadlineGivesUpWithoutWaiting() async throws {
        let standIn = try await GraphStandIn.start()
        standIn.script(Self.limited("10000000000"))
        let error = await #expect(throws: GraphError.self) {
            try await client(standIn, maxRetryAfter: .seconds(30))
                .accept(callID: "wacid.RB", sdp: "v=0", phoneNumberID: "42", deadline: .now + .seconds(5))
        }
        let count = standIn.requests.count
        await standIn.stop()
        #expect(count == 1)
        guard case let .gaveUp(action, attempts, last)? = error else {
            Issue.record("expected gaveUp, got \(String(describing: error))")
            return
        }
        #expect(action == "accept")
        #expect(attempts == 1)
        #expect(last.httpStatus == 429)
    }
}
