import Foundation
import Testing
import Wire
@testable import Audio

/// Synthetic speech: a 140 Hz voice with ten harmonics, shaped into 200 ms syllables that fall
/// to silence between them, over a white-noise background.
private struct Scene {
    let rate: Int
    var samples: [Double] = []
    var noise = TestSupport.Noise(seed: 7)
    let noiseAmplitude: Double

    init(rate: Int, noiseAmplitude: Double = 0.01) {
        self.rate = rate
        self.noiseAmplitude = noiseAmplitude
    }

    mutating func quiet(_ seconds: Double) {
        for _ in 0..<Int(seconds * Double(rate)) { samples.append(noiseAmplitude * noise.next()) }
    }

    mutating func speech(_ seconds: Double, amplitude: Double = 0.3) {
        let n = Int(seconds * Double(rate))
        for i in 0..<n {
            let t = Double(i) / Double(rate)
            let syllable = sin(Double.pi * (t * 5).truncatingRemainder(dividingBy: 1))
            var voice = 0.0
            for h in 1...10 { voice += sin(2 * Double.pi * 140 * Double(h) * t) / Double(h) }
            samples.append(amplitude * syllable * syllable * voice / 2 + noiseAmplitude * noise.next())
        }
    }

    var pcm: [Int16] { samples.map { Int16(max(-32768, min(32767, ($0 * 32767).rounded()))) } }
}

/// Runs a detector over samples in 20 ms frames stamped from t = 0; returns events as
/// "start@ms" / "end@ms" (times in milliseconds).
private func run(_ pcm: [Int16], rate: Int, configuration: VoiceActivityConfiguration = VoiceActivityConfiguration(),
                 finish: Bool = false) -> [String] {
    var vad = VoiceActivityDetector(sampleRate: rate, configuration: configuration)
    let frame = rate / 50
    var log: [String] = []
    var start = 0
    var events: [VoiceActivityEvent] = []
    while start < pcm.count {
        let end = min(start + frame, pcm.count)
        events += vad.process(Array(pcm[start..<end]), at: Instant(nanoseconds: Int64(start) * 1_000_000_000 / Int64(rate)))
        start = end
    }
    if finish { events += vad.finish() }
    for event in events {
        switch event {
        case let .speechStarted(at): log.append("start@\(at.nanoseconds / 1_000_000)")
        case let .speechEnded(at, duration):
            log.append("end@\(at.nanoseconds / 1_000_000)")
            #expect(duration.totalNanoseconds > 0)
        }
    }
    return log
}

@Suite struct VoiceActivityDetectorTests {
    @Test func burstsOverNoiseAt16kHz() {
        var scene = Scene(rate: 16_000)
        scene.quiet(1.0)
        scene.speech(0.8)
        scene.quiet(1.0)
        scene.speech(0.6)
        scene.quiet(1.0)
        #expect(run(scene.pcm, rate: 16_000) == ["start@1020", "end@1780", "start@2820", "end@3380"])
    }

    @Test func theSameAt48kHz() {
        var scene = Scene(rate: 48_000)
        scene.quiet(1.0)
        scene.speech(0.8)
        scene.quiet(1.0)
        scene.speech(0.6)
        scene.quiet(1.0)
        #expect(run(scene.pcm, rate: 48_000) == ["start@1020", "end@1780", "start@2820", "end@3380"])
    }

    @Test func steadyNoiseAloneIsNotSpeech() {
        for amplitude in [0.001, 0.01, 0.1] {
            var scene = Scene(rate: 16_000, noiseAmplitude: amplitude)
            scene.quiet(5)
            #expect(run(scene.pcm, rate: 16_000) == [], "noise amplitude \(amplitude)")
        }
    }

    @Test func digitalSilenceAndVeryQuietSoundAreNotSpeech() {
        #expect(run([Int16](repeating: 0, count: 48_000), rate: 16_000) == [])
        var quiet = Scene(rate: 16_000, noiseAmplitude: 0)
        quiet.quiet(1)
        quiet.speech(1, amplitude: 0.002)   // peaks near -60 dBFS
        #expect(run(quiet.pcm, rate: 16_000) == [])
    }

    @Test func theNoiseFloorFollowsLouderNoise() {
        var scene = Scene(rate: 16_000, noiseAmplitude: 0.05)
        scene.quiet(2)
        var vad = VoiceActivityDetector(sampleRate: 16_000)
        _ = vad.process(scene.pcm, at: Instant(nanoseconds: 0))
        // Uniform noise of amplitude 0.05: RMS 0.0289 = -30.8 dBFS; the floor is the quietest window.
        #expect(vad.noiseFloorDBFS > -33 && vad.noiseFloorDBFS < -30.5)
        // Speech well above that noise is still found.
        scene.speech(0.8, amplitude: 0.6)
        scene.quiet(1)
        #expect(run(scene.pcm, rate: 16_000) == ["start@2040", "end@2780"])
    }

    @Test func hangoverBridgesShortPauses() {
        var scene = Scene(rate: 16_000)
        scene.quiet(1)
        scene.speech(0.4)
        scene.quiet(0.2)
        scene.speech(0.4)
        scene.quiet(0.5)
        scene.speech(0.4)
        scene.quiet(1)
        #expect(run(scene.pcm, rate: 16_000) == ["start@1020", "end@1980", "start@2520", "end@2880"])
    }

    @Test func aClickIsTooShortForSpeech() {
        var scene = Scene(rate: 16_000)
        scene.quiet(1)
        scene.samples += (0..<480).map { _ in 0.5 * scene.noise.next() }   // 30 ms of loud noise
        scene.quiet(1)
        #expect(run(scene.pcm, rate: 16_000) == [])
    }

    @Test func finishEndsSpeechInProgress() {
        var scene = Scene(rate: 16_000)
        scene.quiet(1)
        scene.speech(0.5)
        #expect(run(scene.pcm, rate: 16_000, finish: true) == ["start@1020", "end@1500"])
    }

    @Test func framesOfAnySizeGiveTheSameEvents() {
        var scene = Scene(rate: 16_000)
        scene.quiet(1)
        scene.speech(0.8)
        scene.quiet(1)
        var vad = VoiceActivityDetector(sampleRate: 16_000)
        var events: [VoiceActivityEvent] = []
        let pcm = scene.pcm
        var start = 0
        var size = 1
        while start < pcm.count {   // 1, 2, 4 … 512, 1, 2 … samples at a time
            let end = min(start + size, pcm.count)
            events += vad.process(Array(pcm[start..<end]), at: Instant(nanoseconds: Int64(start) * 62_500))
            start = end
            size = size >= 512 ? 1 : size * 2
        }
        #expect(events == [.speechStarted(at: TestSupport.instant(ms: 1_020)),
                           .speechEnded(at: TestSupport.instant(ms: 1_780), duration: .milliseconds(760))])
    }

    // Needs espeak-ng, which `make test` installs (.ci/deps.sh).
    @Test
    func realSynthesisedSpeech() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("speech.wav").path
        let status = try TestSupport.run(try #require(TestSupport.which("espeak-ng")),
                                         ["-v", "en-us", "-w", path, "Please enter your booking code."])
        #expect(status == 0)
        let speech = try PromptLoader.load(path: path).samples   // 48 kHz
        var noise = TestSupport.Noise(seed: 3)
        let pad = (0..<48_000).map { _ in Int16(300 * noise.next()) }
        let tail = (0..<48_000).map { _ in Int16(300 * noise.next()) }
        let mixed = pad + speech.map { $0 &+ Int16(300 * noise.next()) } + tail
        let events = run(mixed, rate: 48_000)
        // One utterance: it starts near 1 s (espeak leads in with a little silence) and ends near
        // the end of the synthesised audio.
        let speechEnd = 1_000 + speech.count / 48
        #expect(events.count == 2)
        let start = Int(events.first?.dropFirst(6) ?? "") ?? -1
        let end = Int(events.last?.dropFirst(4) ?? "") ?? -1
        #expect(start >= 1_000 && start <= 1_200, "\(events)")
        #expect(end >= speechEnd - 400 && end <= speechEnd, "\(events), audio ends at \(speechEnd)")
    }

    @Test func aTimeJumpDropsThePartialWindow() {
        var vad = VoiceActivityDetector(sampleRate: 16_000)
        var scene = Scene(rate: 16_000)
        scene.quiet(1)
        _ = vad.process(Array(scene.pcm.prefix(16_100)), at: TestSupport.instant(ms: 0))   // 100 samples pending
        scene = Scene(rate: 16_000)
        scene.speech(0.5)
        scene.quiet(0.5)
        // The next audio comes 2 s later (playout paused): events are timed from the new start.
        let events = vad.process(scene.pcm, at: TestSupport.instant(ms: 3_000))
        #expect(events == [.speechStarted(at: TestSupport.instant(ms: 3_020)),
                           .speechEnded(at: TestSupport.instant(ms: 3_510), duration: .milliseconds(490))])
    }
}
