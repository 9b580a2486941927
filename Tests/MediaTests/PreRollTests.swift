import Media
import Testing
import Wire

/// With a recognizer listening, the 200 ms before the detector decides the caller speaks are
/// handed on first, then every frame until speech ends: the recognizer hears one contiguous
/// stream from before the utterance began.
@Suite struct PreRollTests {
    @Test func thePreRollComesFirstAndTheStreamIsContiguous() throws {
        let caller = try CallerHarness()
        caller.pipeline.setListening(true)
        caller.pipeline.setRecognizing(true)
        try caller.say(CallerSignals.silence(.milliseconds(600)))
        let speechSample = caller.payloads.count * 320  // at 16 kHz
        try caller.say(CallerSignals.voice(.milliseconds(700)))
        try caller.say(CallerSignals.silence(.milliseconds(800)))
        try caller.run(until: caller.audioEnd + .milliseconds(300))

        let first = try #require(caller.outputs.firstIndex(of: .speechStarted))
        #expect(!caller.outputs[..<first].contains { if case .speechFrames = $0 { return true } else { return false } })
        guard case let .speechFrames(preRoll) = caller.outputs[first + 1] else {
            Issue.record("expected the pre-roll right after speechStarted, got \(caller.outputs[first + 1])")
            return
        }
        #expect(preRoll.count == 10 * 320)
        #expect(caller.outputs.last == .utteranceEnded)

        let heard = caller.outputs.flatMap { output -> [Int16] in
            if case let .speechFrames(pcm) = output { return pcm }
            return []
        }
        let reference = try caller.referenceDecode()
        let offset = try #require(stride(from: 0, to: reference.count - heard.count + 1, by: 320).first {
            Array(reference[$0..<($0 + heard.count)]) == heard
        })
        // It starts before the speech does, and runs past its end.
        #expect(offset < speechSample)
        #expect(offset > speechSample - 10 * 320)
        #expect(offset + heard.count > speechSample + 700 * 16)
    }
}
