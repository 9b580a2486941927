import Media
import Testing
import Wire

/// A key's tones in the caller's audio, starting mid-batch and handed over three frames at a time
/// every 60 ms, are one in-band digit, reported with the batch that carries the tone's end.
/// (Where on the timeline it lands is what `DuplicateDigitTests` checks.)
@Suite struct InbandDigitAcrossBatchesTests {
    @Test func aToneSpanningBatchesIsOneDigit() throws {
        let caller = try CallerHarness()
        caller.pipeline.setListening(true)
        try caller.say(CallerSignals.silence(.milliseconds(340)))  // the tone starts mid-batch
        try caller.say(CallerSignals.dtmf("7", .milliseconds(100)))
        try caller.say(CallerSignals.silence(.milliseconds(400)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.digits == [.digit("7", via: .inband)])
        // Reported once the tone has ended, with the batch that carried its end.
        let at = try #require(caller.stamped.first { $0.output == .digit("7", via: .inband) }).at
        #expect(at > caller.start + .milliseconds(440))
        #expect(at < caller.start + .milliseconds(440) + .milliseconds(300))
    }
}
