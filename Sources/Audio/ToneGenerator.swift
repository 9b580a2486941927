import Foundation

/// A sine tone as 20 ms frames of 48 kHz mono samples, phase-continuous across frames.
public struct ToneGenerator: Sendable {
    public var frequency: Double
    public var amplitude: Double
    private var phase: Double = 0

    public init(frequency: Double, amplitude: Double = 0.3) {
        self.frequency = frequency
        self.amplitude = amplitude
    }

    public mutating func nextFrame(samples: Int = 960, sampleRate: Double = 48_000) -> [Int16] {
        let step = 2 * Double.pi * frequency / sampleRate
        var out = [Int16](repeating: 0, count: samples)
        for i in 0..<samples {
            out[i] = Int16((amplitude * 32767 * sin(phase)).rounded())
            phase += step
            if phase > 2 * Double.pi { phase -= 2 * Double.pi }
        }
        return out
    }
}
