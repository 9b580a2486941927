import Media
import Testing
import Wire

/// An RFC 4733 press (first packet, updates, the end sent three times) is one digit, and needs
/// no decoding: it counts whether or not a menu listens.
@Suite struct TelephoneEventDigitTests {
    @Test func aPressIsOneDigitWithoutDecoding() throws {
        let caller = try CallerHarness()
        try caller.press("5", at: caller.start + .milliseconds(100), for: .milliseconds(120))
        try caller.run(for: .seconds(1))
        #expect(caller.outputs == [.digit("5", via: .rfc4733)])
        #expect(!caller.pipeline.isDecoding)
        #expect(caller.pipeline.nextDeadline() == nil)
    }
}
