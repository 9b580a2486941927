import Media
import Testing
import Wire

/// A recording that runs to its maximum length ends at that instant, by the pipeline's own
/// deadline (not with a batch of audio), with every frame it recorded handed on first.
@Suite struct RecordingMaxLengthTests {
    @Test func itEndsAtItsDeadline() throws {
        let caller = try CallerHarness()
        caller.pipeline.startRecording(maxSeconds: 1.0, silenceSeconds: 0, finishKey: "#", now: caller.start)
        #expect(caller.pipeline.wantsAudio)
        #expect(caller.pipeline.nextDeadline() == caller.start + .seconds(1))
        try caller.say(CallerSignals.voice(.seconds(2)))
        try caller.run(until: caller.audioEnd)

        #expect(caller.recordingEnds.count == 1)
        let end = try #require(caller.recordingEnds.first)
        #expect(end.reason == .maxLength)
        #expect(end.seconds == Double(caller.recorded.count) / 16_000)
        // Played out 60 ms after each batch arrives: all but the last ~0.2 s of the second is in.
        #expect(end.seconds > 0.75 && end.seconds <= 1.0)
        let finished = try #require(caller.stamped.first { if case .recordingFinished = $0.output { true } else { false } })
        #expect(finished.at == caller.start + .seconds(1))
        #expect(caller.stamped.last?.at == finished.at)  // no frames after the end
        #expect(caller.pipeline.recording == nil)
        #expect(!caller.pipeline.wantsAudio && !caller.pipeline.isDecoding)
    }
}
