import Media
import Testing
import Wire

/// Scenario: while our prompt plays, the caller's phone sends back its residual echo (20 dB down).
/// That echo is not the caller speaking; the caller's own voice over it is. Once the prompt has
/// stopped (and its echo tail has passed), quiet speech counts again.
@Suite struct EchoDuringPromptTests {
    static func scaled(_ pcm: [Int16], _ gain: Double) -> [Int16] {
        pcm.map { Int16(clamping: Int((Double($0) * gain).rounded())) }
    }

    @Test func theEchoIsNotSpeechButTheCallerOverItIs() throws {
        let caller = try CallerHarness()
        caller.pipeline.setListening(true)
        caller.pipeline.setPlaying(true, now: caller.now)
        let echo = Self.scaled(CallerSignals.voice(.milliseconds(700)), 0.1)
        try caller.say(CallerSignals.silence(.milliseconds(400)))
        try caller.say(echo)
        try caller.say(CallerSignals.silence(.milliseconds(800)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.outputs.isEmpty, "the prompt's echo was taken for speech")

        // The caller speaks over the prompt.
        try caller.say(CallerSignals.voice(.milliseconds(700)))
        try caller.say(CallerSignals.silence(.milliseconds(800)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.outputs == [.speechStarted, .utteranceEnded])

        // The prompt ends; after its echo tail, the same quiet voice is the caller's.
        caller.pipeline.setPlaying(false, now: caller.now)
        caller.pause(.seconds(1))
        try caller.say(echo)
        try caller.say(CallerSignals.silence(.milliseconds(800)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))
        #expect(caller.outputs == [.speechStarted, .utteranceEnded, .speechStarted, .utteranceEnded])
    }
}
