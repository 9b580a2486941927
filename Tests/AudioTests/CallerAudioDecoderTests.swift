import Foundation
import Testing
import Wire
@testable import Audio

@Suite struct CallerAudioDecoderTests {
    /// 50 packets (1 s) of a 440 Hz tone, encoded like a caller's phone would.
    private func packets(count: Int = 50) throws -> [[UInt8]] {
        var tone = ToneGenerator(frequency: 440)
        let encoder = try OpusEncoder(settings: OpusEncoderSettings(fmtp: ["useinbandfec": "1"]))
        return try (0..<count).map { _ in try encoder.encode(tone.nextFrame()) }
    }

    @Test func jitteredReorderedAndLostPacketsBecomeContinuousAudio() throws {
        let packets = try packets()
        let decoder = try CallerAudioDecoder()
        // Arrival jitter of 0–30 ms; packets 10/11 swapped; 20 lost (21 present: FEC); 30 and 31 lost.
        let jitter: [Int64] = [0, 12, 30, 5, 21, 3, 17, 28, 9, 0]
        for (i, payload) in packets.enumerated() where ![20, 30, 31].contains(i) {
            let sent = Int64(i) * 20
            let arrival = i == 10 ? sent + 25 : sent + jitter[i % jitter.count]
            decoder.insert(payload: payload, rtpTimestamp: UInt32(i * 960), sequence: UInt16(1000 + i),
                           arrival: TestSupport.instant(ms: arrival))
        }
        var frames: [DecodedAudioFrame] = []
        for ms in stride(from: Int64(0), through: 1_200, by: 20) { frames += decoder.pull(now: TestSupport.instant(ms: ms)) }
        #expect(frames.count == 50 + 5)   // 50 slots, then 5 concealed after the last packet
        #expect(frames.prefix(50).map(\.sequence) == (0..<50).map { UInt16(1000 + $0) })
        #expect(frames[20].source == .recovered)
        #expect(frames[30].source == .concealed)
        #expect(frames[31].source == .recovered)
        #expect(frames.prefix(50).filter { $0.source == .decoded }.count == 47)
        #expect(frames.allSatisfy { $0.pcm.count == 960 })
        #expect(decoder.stats.late == 0)
        #expect(decoder.stats.recovered == 2)
        #expect(decoder.stats.concealed == 6)
        // The 16 kHz stream: a third of the samples, less what libsoxr holds back (it filters in
        // blocks: 446 samples, 28 ms, after 1 s), still a 440 Hz tone.
        let low = frames.prefix(50).flatMap(\.audio16k)
        #expect(low.count == 50 * 320 - 446)
        #expect(abs(TestSupport.frequency(low[3_200..<6_000], sampleRate: 16_000) - 440) < 8)
        let high = frames.prefix(50).flatMap(\.pcm)
        #expect(abs(TestSupport.frequency(high[9_600..<18_000], sampleRate: 48_000) - 440) < 8)
    }

    @Test func decodingAtSixteenKilohertzGivesTheSixteenKilohertzStreamDirectly() throws {
        let packets = try packets()
        let decoder = try CallerAudioDecoder(sampleRate: 16_000)
        #expect(decoder.sampleRate == 16_000)
        for (i, payload) in packets.enumerated() where i != 20 {
            decoder.insert(payload: payload, rtpTimestamp: UInt32(i * 960), sequence: UInt16(i),
                           arrival: TestSupport.instant(ms: Int64(i) * 20))
        }
        var frames: [DecodedAudioFrame] = []
        for ms in stride(from: Int64(0), through: 1_100, by: 20) { frames += decoder.pull(now: TestSupport.instant(ms: ms)) }
        let audio = Array(frames.prefix(50))
        #expect(audio.count == 50)
        #expect(audio[20].source == .recovered)  // FEC at 16 kHz too
        #expect(audio.allSatisfy { $0.pcm.count == 320 && $0.audio16k == $0.pcm })
        // No resampler delay: every sample of the second is there, and it is still a 440 Hz tone.
        let low = audio.flatMap(\.audio16k)
        #expect(low.count == 50 * 320)
        #expect(abs(TestSupport.frequency(low[3_200..<12_000], sampleRate: 16_000) - 440) < 8)
        #expect(throws: AudioError.unsupportedSampleRate(8_000)) { try CallerAudioDecoder(sampleRate: 8_000) }
    }

    @Test func undecodablePayloadsAreConcealed() throws {
        let packets = try packets(count: 3)
        let decoder = try CallerAudioDecoder(produce16k: false)
        decoder.insert(payload: packets[0], rtpTimestamp: 0, sequence: 7, arrival: TestSupport.instant(ms: 0))
        decoder.insert(payload: [0xFF], rtpTimestamp: 960, sequence: 8, arrival: TestSupport.instant(ms: 20))
        decoder.insert(payload: [], rtpTimestamp: 1920, sequence: 9, arrival: TestSupport.instant(ms: 40))
        let frames = decoder.pull(now: TestSupport.instant(ms: 100))
        #expect(frames.map(\.source) == [.decoded, .concealed, .concealed])
        #expect(frames.map(\.pcm.count) == [960, 960, 960])
        #expect(frames.allSatisfy { $0.audio16k.isEmpty })
        #expect(decoder.decodeErrors == 2)
    }

    @Test func deadlinesFollowTheJitterBuffer() throws {
        let packets = try packets(count: 2)
        let decoder = try CallerAudioDecoder()
        #expect(decoder.nextDeadline() == nil)
        decoder.insert(payload: packets[0], rtpTimestamp: 0, sequence: 1, arrival: TestSupport.instant(ms: 3))
        #expect(decoder.nextDeadline() == TestSupport.instant(ms: 63))
        #expect(decoder.pull(now: TestSupport.instant(ms: 62)).isEmpty)
        #expect(decoder.pull(now: TestSupport.instant(ms: 63)).count == 1)
    }

    @Test func anSSRCChangeResetsTheDecoder() throws {
        let packets = try packets(count: 2)
        let decoder = try CallerAudioDecoder()
        #expect(decoder.insert(payload: packets[0], rtpTimestamp: 0, sequence: 1, arrival: TestSupport.instant(ms: 0), ssrc: 1) == .buffered)
        #expect(decoder.insert(payload: packets[1], rtpTimestamp: 77, sequence: 900, arrival: TestSupport.instant(ms: 20), ssrc: 2)
            == .bufferedAfterReset)
        #expect(decoder.pull(now: TestSupport.instant(ms: 80)).map(\.sequence) == [900])
    }
}

@Suite struct PromptToListenerTests {
    /// A shipped prompt, encoded by the cache, sent over a jittery path, decoded, and heard by the VAD.
    @Test func aPromptSurvivesTheWholePath() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Prompts").path
        let cache = PromptCache(folder: folder)
        let settings = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000", "useinbandfec": "1"])
        let silence = try cache.silence(settings: settings)
        // 0.5 s of silence, the prompt, 0.5 s of silence.
        let packets = Array(repeating: silence, count: 25) + (try cache.frames(prompt: "main_menu", settings: settings))
            + Array(repeating: silence, count: 25)
        let decoder = try CallerAudioDecoder()
        var noise = TestSupport.Noise(seed: 11)
        var vad = VoiceActivityDetector(sampleRate: 16_000)
        var events: [VoiceActivityEvent] = []
        var received = 0
        var heard = Instant(nanoseconds: 0)
        for tick in 0..<(packets.count + 10) {
            let now = TestSupport.instant(ms: Int64(tick) * 20)
            while received < packets.count, Int64(received) * 20 + Int64(25 * (noise.next() + 1)) <= Int64(tick) * 20 {
                decoder.insert(payload: packets[received], rtpTimestamp: UInt32(received * 960),
                               sequence: UInt16(received), arrival: now)
                received += 1
            }
            for frame in decoder.pull(now: now) {
                events += vad.process(frame.audio16k, at: heard)
                heard = heard + .nanoseconds(Int64(frame.audio16k.count) * 62_500)
            }
        }
        #expect(decoder.stats.played == packets.count)
        #expect(decoder.stats.late == 0)
        guard case let .speechStarted(start)? = events.first else {
            Issue.record("no speech in \(events)")
            return
        }
        // Speech starts just after the 0.5 s of leading silence (less the resampler's hold-back).
        #expect(start >= TestSupport.instant(ms: 440) && start <= TestSupport.instant(ms: 560), "\(events)")
    }
}
