import Media
import Testing
import Wire

/// While a menu listens, the caller starting to speak is the barge-in trigger, and the end of
/// their speech ends the utterance. Without a recognizer no audio is handed on.
@Suite struct BargeInTests {
    @Test func speechStartsAndEndsOnce() throws {
        let caller = try CallerHarness()
        caller.pipeline.setListening(true)
        try caller.say(CallerSignals.silence(.milliseconds(400)))
        let speech = caller.audioEnd
        try caller.say(CallerSignals.voice(.milliseconds(700)))
        try caller.say(CallerSignals.silence(.milliseconds(800)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.outputs == [.speechStarted, .utteranceEnded])
        let started = try #require(caller.stamped.first { $0.output == .speechStarted }).at
        // Heard once the batches carrying the first 60 ms of speech are played out, not before the speech.
        #expect(started > speech)
        #expect(started < speech + .milliseconds(300))
    }
}
