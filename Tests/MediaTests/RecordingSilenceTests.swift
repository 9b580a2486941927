import Media
import Testing
import Wire

/// A recording that ends on silence finishes when the caller's speech ends (the voice activity
/// detector's hangover), once more than half a second is recorded; the speech is all in it.
@Suite struct RecordingSilenceTests {
    @Test func itEndsWhenTheCallerStopsSpeaking() throws {
        let caller = try CallerHarness()
        caller.pipeline.startRecording(maxSeconds: 30, silenceSeconds: 4, finishKey: "#", now: caller.start)
        try caller.say(CallerSignals.silence(.milliseconds(200)))
        try caller.say(CallerSignals.voice(.milliseconds(900)))
        let speechEnd = caller.audioEnd
        try caller.say(CallerSignals.silence(.seconds(3)))
        try caller.run(until: caller.audioEnd)

        #expect(caller.recordingEnds.count == 1)
        let end = try #require(caller.recordingEnds.first)
        #expect(end.reason == .silence)
        #expect(end.seconds == Double(caller.recorded.count) / 16_000)
        #expect(end.seconds > 1.1)
        let finished = try #require(caller.stamped.first { if case .recordingFinished = $0.output { true } else { false } })
        #expect(finished.at > speechEnd)
        #expect(finished.at < speechEnd + .milliseconds(600))
        #expect(!caller.pipeline.wantsAudio)
        // Not listening: neither barge-in nor utterances are reported.
        #expect(!caller.outputs.contains(.speechStarted) && !caller.outputs.contains(.utteranceEnded))
    }
}
