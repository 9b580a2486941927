import Media
import Testing
import Wire

/// A phone that sends a key both ways — RFC 4733 packets and the tones in its audio — is heard
/// once: the in-band timeline (playout less the jitter delay) lines up with the packets' arrivals.
@Suite struct DuplicateDigitTests {
    @Test func aKeySentBothWaysIsOneDigit() throws {
        let caller = try CallerHarness()
        caller.pipeline.setListening(true)
        // The key goes down just as a batch is handed over: its first packet arrives at once,
        // while its tones wait in the jitter buffer.
        try caller.say(CallerSignals.silence(.milliseconds(420)))
        let keyDown = caller.audioEnd
        try caller.say(CallerSignals.dtmf("4", .milliseconds(120)))
        try caller.say(CallerSignals.silence(.milliseconds(500)))
        try caller.press("4", at: keyDown, for: .milliseconds(120))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.digits.count == 1)
        #expect(caller.digits.allSatisfy { $0 == .digit("4", via: .rfc4733) || $0 == .digit("4", via: .inband) })
        #expect(caller.pipeline.duplicateDigits == 1)
    }
}
