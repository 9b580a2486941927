import Media
import Testing
import Wire

/// A recording stopped from outside (the call ended) reports what it recorded, and the audio
/// that comes after is not decoded.
@Suite struct RecordingStoppedTests {
    @Test func stoppingReportsTheRecordingOnce() throws {
        let caller = try CallerHarness()
        caller.pipeline.startRecording(maxSeconds: 30, silenceSeconds: 0, finishKey: nil, now: caller.start)
        try caller.say(CallerSignals.voice(.milliseconds(600)))
        try caller.run(until: caller.audioEnd)
        #expect(!caller.recorded.isEmpty)

        caller.pipeline.stopRecording()
        let seconds = Double(caller.recorded.count) / 16_000
        #expect(caller.pipeline.pollOutput() == .recordingFinished(seconds: seconds, reason: .stopped))
        #expect(caller.pipeline.pollOutput() == nil)
        caller.pipeline.stopRecording()
        #expect(caller.pipeline.pollOutput() == nil)
        #expect(caller.pipeline.nextDeadline() == nil)

        let before = caller.outputs.count
        try caller.say(CallerSignals.voice(.milliseconds(300)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.outputs.count == before)
        #expect(!caller.pipeline.isDecoding)
    }
}
