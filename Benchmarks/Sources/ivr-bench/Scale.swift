import Audio
import Foundation
import Media
import Wire

/// CPU per call-second and memory per session at 100, 500 and 1,000 simultaneous calls, in
/// process and sans-IO (no sockets): what the media core itself costs.
enum Scale {
    static func rssKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0
    }

    static func run(counts: [Int] = [100, 500, 1000]) throws -> [BenchResult] {
        var out: [BenchResult] = []
        // One real 20 ms Opus frame of a tone, as a caller would send, for the decoding variant.
        var tone = ToneGenerator(frequency: 300)
        let encoder = try OpusEncoder()
        let callerFrame = try encoder.encode(tone.nextFrame())
        for n in counts {
            let before = rssKiB()
            let pairs = try (0..<n).map { _ in try BenchPair() }
            for p in pairs { try p.connect() }
            let perSession = Double(rssKiB() - before) / Double(2 * n)
            let prompt = [UInt8](repeating: 0x5A, count: 60)
            for p in pairs { p.a.play(frames: Array(repeating: prompt, count: 400)) }
            var now = pairs.map(\.now).max() ?? Instant(nanoseconds: 0)
            let ticks = 100
            let playback = Bench.measureBatch("scale \(n) calls: playback only (pacing + SRTP), CPU per call-second",
                                              items: n * ticks / 50, note: "RSS \(Int(perSession)) KiB per session") {
                var sent = 0
                for _ in 0..<ticks {
                    now = now + .milliseconds(20)
                    for p in pairs {
                        p.a.handleTimeout(now: now)
                        while p.a.pollTransmit() != nil { sent += 1 }
                        while p.a.pollEvent() != nil {}
                    }
                }
                return sent
            }
            out.append(playback)
            // As the server runs it: decoded at 16 kHz, the rate WhatsApp's offers announce.
            let decoders = try (0..<n).map { _ in try CallerAudioDecoder(sampleRate: 16_000) }
            var seq: UInt16 = 0
            var ts: UInt32 = 0
            let decoding = Bench.measureBatch("scale \(n) calls: playback + decoding the caller (Opus, 16 kHz, jitter), CPU per call-second",
                                              items: n * ticks / 50) {
                var frames = 0
                for _ in 0..<ticks {
                    now = now + .milliseconds(20)
                    seq &+= 1
                    ts &+= 960
                    for (i, p) in pairs.enumerated() {
                        p.a.handleTimeout(now: now)
                        while p.a.pollTransmit() != nil {}
                        while p.a.pollEvent() != nil {}
                        decoders[i].insert(payload: callerFrame, rtpTimestamp: ts, sequence: seq, arrival: now)
                        frames += decoders[i].pull(now: now).count
                    }
                }
                return frames
            }
            out.append(decoding)
        }
        return out
    }
}
