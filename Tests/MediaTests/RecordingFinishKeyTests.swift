import Media
import Testing
import Wire

/// The finish key ends the recording and is not a digit for the flow; any other key still is.
@Suite struct RecordingFinishKeyTests {
    @Test func theFinishKeyEndsTheRecording() throws {
        let caller = try CallerHarness()
        caller.pipeline.startRecording(maxSeconds: 30, silenceSeconds: 0, finishKey: "#", now: caller.start)
        try caller.say(CallerSignals.voice(.milliseconds(1500)))
        try caller.press("1", at: caller.start + .milliseconds(300), for: .milliseconds(100))
        try caller.press("#", at: caller.start + .milliseconds(900), for: .milliseconds(100))
        try caller.run(until: caller.audioEnd + .milliseconds(500))

        #expect(caller.digits == [.digit("1", via: .rfc4733)])
        #expect(caller.recordingEnds.count == 1)
        let end = try #require(caller.recordingEnds.first)
        #expect(end.reason == .finishKey("#"))
        #expect(end.seconds == Double(caller.recorded.count) / 16_000)
        #expect(end.seconds > 0.7 && end.seconds < 1.2)
        #expect(caller.pipeline.recording == nil && !caller.pipeline.wantsAudio)
    }
}
