import Media
import Testing
import Wire

/// While nothing listens and nothing records, the caller's audio is not even decoded: no outputs
/// (not the tones of a key, not speech) and no deadline.
@Suite struct NotListeningTests {
    @Test func audioIsIgnoredUntilSomeoneListens() throws {
        let caller = try CallerHarness()
        try caller.say(CallerSignals.voice(.milliseconds(600)))
        try caller.say(CallerSignals.dtmf("3", .milliseconds(120)))
        try caller.say(CallerSignals.silence(.milliseconds(300)))
        try caller.run(until: caller.audioEnd + .milliseconds(500))
        #expect(caller.outputs.isEmpty)
        #expect(caller.timeouts == 0)
        #expect(caller.pipeline.nextDeadline() == nil)
        #expect(!caller.pipeline.isDecoding)
        #expect(!caller.pipeline.wantsAudio)
    }

    @Test func stoppingListeningStopsDecoding() throws {
        let pipeline = try CallerAudioPipeline()
        pipeline.setListening(true)
        #expect(pipeline.wantsAudio && pipeline.isDecoding)
        pipeline.setListening(false)
        #expect(!pipeline.wantsAudio && !pipeline.isDecoding)
        #expect(pipeline.nextDeadline() == nil)
    }
}
