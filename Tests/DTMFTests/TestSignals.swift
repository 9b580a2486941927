import Foundation
import Wire
@testable import DTMF

/// Deterministic test signals: dual tones, single tones, noise and speech-like harmonic sounds.
enum TestSignals {
    /// Amplitude of a sine at `dbfs` (0 dBFS = full-scale sine).
    static func amplitude(dbfs: Double) -> Double { 32767 * pow(10, dbfs / 20) }

    /// Sum of sines (frequency, dBFS) for `duration` seconds at `rate`, starting at phase 0.
    static func tones(_ parts: [(Double, Double)], seconds: Double, rate: Int) -> [Int16] {
        let count = Int((seconds * Double(rate)).rounded())
        return (0..<count).map { i in
            let t = Double(i) / Double(rate)
            let value = parts.reduce(0.0) { $0 + amplitude(dbfs: $1.1) * sin(2 * Double.pi * $1.0 * t) }
            return Int16(clamping: Int(value.rounded()))
        }
    }

    /// The DTMF dual tone of `digit`, both tones at `dbfs`, frequencies scaled by (1 + offset).
    static func dtmf(_ digit: Character, seconds: Double, rate: Int, dbfs: Double = -20, offset: Double = 0) -> [Int16] {
        guard let (row, column) = DTMFTones.frequencies(of: digit) else { return [] }
        return tones([(row * (1 + offset), dbfs), (column * (1 + offset), dbfs)], seconds: seconds, rate: rate)
    }

    static func silence(seconds: Double, rate: Int) -> [Int16] {
        [Int16](repeating: 0, count: Int((seconds * Double(rate)).rounded()))
    }

    /// White noise from a fixed-seed generator, RMS at `dbfs` relative to a full-scale sine.
    static func noise(seconds: Double, rate: Int, dbfs: Double, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [Int16] {
        var state = seed
        let rms = amplitude(dbfs: dbfs) / 2.0.squareRoot()
        let count = Int((seconds * Double(rate)).rounded())
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let uniform = Double(state >> 11) / Double(1 << 53) * 2 - 1
            return Int16(clamping: Int((uniform * rms * 3.0.squareRoot()).rounded()))
        }
    }

    /// A vowel-like sound: harmonics of `f0` (with a slow pitch glide) shaped by formant peaks.
    static func vowel(f0: Double, formants: [Double], seconds: Double, rate: Int, dbfs: Double = -15, glide: Double = 0) -> [Int16] {
        let count = Int((seconds * Double(rate)).rounded())
        let nyquist = Double(rate) / 2
        var phase = 0.0
        var raw = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let t = Double(i) / Double(rate)
            let pitch = f0 * (1 + glide * t)
            phase += 2 * Double.pi * pitch / Double(rate)
            var value = 0.0
            var k = 1.0
            while k * pitch < min(nyquist, 4000) {
                let f = k * pitch
                let gain = formants.reduce(0.05) { $0 + 1 / (1 + pow((f - $1) / 90, 2)) } / k.squareRoot()
                value += gain * sin(k * phase)
                k += 1
            }
            raw[i] = value
        }
        let peak = raw.map(abs).max() ?? 1
        let scale = amplitude(dbfs: dbfs) / max(peak, 1e-9)
        return raw.map { Int16(clamping: Int(($0 * scale).rounded())) }
    }

    /// Feeds `pcm` to a detector in `chunk`-sample pieces on the timeline starting at `start`.
    static func feed(_ pcm: [Int16], rate: Int, chunkSeconds: Double = 0.02, start: Instant = Instant(nanoseconds: 0),
                     into detector: inout GoertzelDetector) throws -> [DigitEvent] {
        let chunk = max(1, Int(chunkSeconds * Double(rate)))
        var out: [DigitEvent] = []
        var index = 0
        while index < pcm.count {
            let end = min(index + chunk, pcm.count)
            let at = Instant(nanoseconds: start.nanoseconds + Int64(index) * 1_000_000_000 / Int64(rate))
            out += try detector.process(pcm: Array(pcm[index..<end]), sampleRate: rate, at: at)
            index = end
        }
        return out
    }
}

extension Instant {
    static func ms(_ value: Int64) -> Instant { Instant(nanoseconds: value * 1_000_000) }
}
