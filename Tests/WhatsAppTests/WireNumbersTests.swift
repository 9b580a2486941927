import Foundation
import IVRTesting
import Testing
import WhatsApp

/// Numbers from the wire (webhook times and durations, Retry-After) are range-checked before they
/// become dates, integers or waits: absurd values are treated as absent, never trusted or trapped on.
@Suite struct WireNumbersTests {
    /// The terminate fixture with its start/end times and duration replaced by raw JSON values.
    func terminate(start: String, end: String, duration: String) throws -> CallTerminate {
        let text = try Fixtures.string("terminate.json")
            .replacingOccurrences(of: #""start_time": "1764070003""#, with: #""start_time": \#(start)"#)
            .replacingOccurrences(of: #""end_time": "1764070090""#, with: #""end_time": \#(end)"#)
            .replacingOccurrences(of: #""duration": 87"#, with: #""duration": \#(duration)"#)
        guard case let .terminate(t)? = try WebhookDecoder.decode(Array(text.utf8)).first else {
            throw WebhookDecodingError(path: "$", message: "no terminate in the fixture")
        }
        return t
    }

    @Test func saneTimesAndDurationAreKept() throws {
        let t = try terminate(start: #""1764070003""#, end: "1764070090.5", duration: "87")
        #expect(t.startDate == Date(timeIntervalSince1970: 1_764_070_003))
        #expect(t.endDate == Date(timeIntervalSince1970: 1_764_070_090.5))
        #expect(t.duration == 87)
    }

    @Test(arguments: [#""1e300""#, "1e300", #""inf""#, #""-inf""#, #""nan""#, #""-5""#, "-5", #""0""#,
                      #""4102444801""#, #""soon""#, #""""#])
    func absurdTimesAreAbsent(_ raw: String) throws {
        let t = try terminate(start: raw, end: raw, duration: "87")
        #expect(t.startDate == nil)
        #expect(t.endDate == nil)
    }

    @Test(arguments: ["1e300", "-1", #""-30""#, "604801", #""NaN""#, #""inf""#, "1.5e19", #""x""#])
    func absurdDurationsDecodeAsAbsentAndTheEventIsKept(_ raw: String) throws {
        let t = try terminate(start: #""1764070003""#, end: #""1764070090""#, duration: raw)
        #expect(t.durationSeconds == nil)
        #expect(t.duration == nil)
        #expect(t.callID == "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1")
    }

    @Test func decimalAndStringDurationsAreRounded() throws {
        #expect(try terminate(start: "1", end: "1", duration: "86.6").duration == 87)
        #expect(try terminate(start: "1", end: "1", duration: #""604800""#).duration == 604_800)
    }

    @Test func roundingIsSafeForEveryDouble() {
        #expect(WireTime.rounded(2.4) == 2)
        #expect(WireTime.rounded(-2.6) == -3)
        #expect(WireTime.rounded(1.2345, scale: 1000) == 1235)
        #expect(WireTime.rounded(.infinity) == nil)
        #expect(WireTime.rounded(-.infinity) == nil)
        #expect(WireTime.rounded(.nan) == nil)
        #expect(WireTime.rounded(1e300) == nil)
        #expect(WireTime.rounded(3e6, scale: 1000) == nil)
    }

    @Test func retryAfterIsBoundedBeforeItBecomesADuration() {
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse(" 7 ") == .seconds(7))
        #expect(RetryAfter.parse(String(Int.max)) == .seconds(RetryAfter.maxSeconds))
        #expect(RetryAfter.parse("99999999999999999999999999") == .seconds(RetryAfter.maxSeconds))
        #expect(RetryAfter.parse("10000000000") == .seconds(RetryAfter.maxSeconds))
        #expect(RetryAfter.parse("-1") == nil)
        #expect(RetryAfter.parse("1.5") == nil)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryAfter.parse("") == nil)
        #expect(RetryAfter.parse(nil) == nil)
    }

    @Test func theWaitIsTheLongerOfBackoffAndRetryAfterWithinTheCap() {
        let cap = Duration.seconds(30)
        #expect(RetryAfter.wait(backoff: .milliseconds(250), retryAfter: nil, cap: cap) == .milliseconds(250))
        #expect(RetryAfter.wait(backoff: .milliseconds(250), retryAfter: .seconds(2), cap: cap) == .seconds(2))
        #expect(RetryAfter.wait(backoff: .milliseconds(250), retryAfter: .seconds(86_400), cap: cap) == cap)
        #expect(RetryAfter.wait(backoff: .seconds(8), retryAfter: .seconds(1), cap: cap) == .seconds(8))
        #expect(RetryAfter.wait(backoff: .seconds(8), retryAfter: .seconds(60), cap: .zero) == .seconds(8))
    }
}
