import Foundation
@testable import Audio
import Wire

/// Helpers shared by the Audio tests (no wall clock, no network).
enum TestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// A fresh empty directory under the system temp dir.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audio-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a tool and returns its exit status.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func instant(ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }

    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        var sum = 0.0
        for s in samples { sum += Double(s) * Double(s) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// Positive-going zero crossings per second.
    static func frequency(_ samples: ArraySlice<Int16>, sampleRate: Int) -> Double {
        var crossings = 0
        var previous = samples.first ?? 0
        for s in samples.dropFirst() {
            if previous < 0 && s >= 0 { crossings += 1 }
            previous = s
        }
        return Double(crossings) * Double(sampleRate) / Double(samples.count)
    }

    /// The best normalised cross-correlation of `b` against `a` over lags 0...maxLag.
    static func bestCorrelation(_ a: [Int16], _ b: [Int16], maxLag: Int) -> (lag: Int, value: Double) {
        var best = (lag: 0, value: -2.0)
        for lag in 0...maxLag {
            let n = min(a.count, b.count - lag)
            guard n > 0 else { break }
            var ab = 0.0, aa = 0.0, bb = 0.0
            for i in 0..<n {
                let x = Double(a[i]), y = Double(b[i + lag])
                ab += x * y; aa += x * x; bb += y * y
            }
            let value = aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
            if value > best.value { best = (lag, value) }
        }
        return best
    }

    /// A deterministic pseudo-random generator (xorshift64*), for noise.
    struct Noise {
        var state: UInt64
        init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
        mutating func next() -> Double {   // uniform in [-1, 1)
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            let value = state &* 0x2545_F491_4F6C_DD1D
            return Double(value >> 11) / Double(1 << 52) - 1
        }
    }

    /// 48 kHz mono samples of a sine.
    static func sine(frequency: Double, seconds: Double, amplitude: Double = 0.4, rate: Int = 48_000) -> [Int16] {
        let n = Int(seconds * Double(rate))
        return (0..<n).map { Int16((amplitude * 32767 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))).rounded()) }
    }

    /// Writes 16-bit mono WAV through the module's writer.
    static func writeWAV(_ samples: [Int16], rate: Int32, to path: String) throws {
        let writer = try WAVWriter(path: path, sampleRate: rate)
        try writer.write(samples)
        try writer.close()
    }
}
