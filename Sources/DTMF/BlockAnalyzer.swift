import Foundation

/// The verdict on one block of PCM: a DTMF digit, or why not.
struct BlockAnalysis: Sendable, Equatable {
    enum Rejection: Sendable, Equatable {
        case quiet, weakTone, twist, rowPeak, columnPeak, impure, harmonic
    }

    var digit: Character?
    var rejection: Rejection?
    /// Amplitudes (dBFS) of the four row and four column tones.
    var rowLevels: [Double]
    var columnLevels: [Double]
    /// Share of the block's energy carried by the strongest row and column tones.
    var toneRatio: Double
    /// Goertzel outputs (re, im) of the row and column filters, for phase comparisons between blocks.
    var rowPhasors: [Phasor] = []
    var columnPhasors: [Phasor] = []
}

/// A complex Goertzel output; its angle is the tone's phase at the block (plus a constant).
struct Phasor: Sendable, Equatable {
    var re: Double
    var im: Double

    /// The phase advance from `previous` to this one, in (-pi, pi].
    func angle(since previous: Phasor) -> Double {
        // self * conj(previous)
        atan2(im * previous.re - re * previous.im, re * previous.re + im * previous.im)
    }
}

/// Runs the eight DTMF Goertzel filters over one Hann-windowed block and applies the level,
/// twist, relative-peak, purity and second-harmonic checks of `GoertzelDetector`.
struct BlockAnalyzer: Sendable {
    let sampleRate: Int
    let blockSize: Int
    private let window: [Double]
    private let windowSum: Double
    private let windowSquareSum: Double
    private let rowCoefficients: [Double]
    private let columnCoefficients: [Double]
    private let rowSines: [Double]
    private let columnSines: [Double]
    private let rowHarmonicCoefficients: [Double]
    private let columnHarmonicCoefficients: [Double]
    private let harmonicRatio: Double
    private let harmonicClearance: Double
    private let minimumAmplitude: Double
    private let twistRatio: Double
    private let peakRatio: Double
    private let minimumToneRatio: Double

    init(sampleRate: Int, configuration: GoertzelDetector.Configuration) {
        self.sampleRate = sampleRate
        blockSize = Int(configuration.blockDuration.totalNanoseconds * Int64(sampleRate) / 1_000_000_000)
        let coefficient = { (f: Double) in 2 * cos(2 * Double.pi * f / Double(sampleRate)) }
        rowCoefficients = DTMFTones.rows.map(coefficient)
        columnCoefficients = DTMFTones.columns.map(coefficient)
        let sine = { (f: Double) in sin(2 * Double.pi * f / Double(sampleRate)) }
        rowSines = DTMFTones.rows.map(sine)
        columnSines = DTMFTones.columns.map(sine)
        rowHarmonicCoefficients = DTMFTones.rows.map { coefficient(2 * $0) }
        columnHarmonicCoefficients = DTMFTones.columns.map { coefficient(2 * $0) }
        harmonicRatio = pow(10, configuration.maximumHarmonic / 10)
        // Three Hann bins: beyond this the column tone's leakage is 30 dB down or more.
        harmonicClearance = 3 * 1e9 / Double(configuration.blockDuration.totalNanoseconds)
        let n = blockSize
        window = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(n)) }
        windowSum = window.reduce(0, +)
        windowSquareSum = window.reduce(0) { $0 + $1 * $1 }
        minimumAmplitude = 32768 * pow(10, configuration.minimumLevel / 20)
        twistRatio = pow(10, configuration.maximumTwist / 10)
        peakRatio = pow(10, -configuration.relativePeak / 10)
        minimumToneRatio = configuration.minimumToneRatio
    }

    func analyze(_ block: ArraySlice<Int16>) -> BlockAnalysis {
        var weighted = [Double](repeating: 0, count: window.count)
        var energy = 0.0
        for (i, sample) in zip(window.indices, block) {
            let value = window[i] * Double(sample)
            weighted[i] = value
            energy += value * value
        }
        // A windowed sine of amplitude A gives |X| = A * sum(w) / 2; its mean-square power is A^2/2.
        let scale = 2 / (windowSum * windowSum)
        let meanSquare = energy / windowSquareSum
        let minimumPower = minimumAmplitude * minimumAmplitude / 2
        // A block quieter than one tone at the minimum level cannot hold a digit: the filter bank is
        // skipped (most of a call is quiet, so this is most of the detector's time saved).
        guard meanSquare >= minimumPower else {
            return BlockAnalysis(digit: nil, rejection: .quiet, rowLevels: Self.silentLevels, columnLevels: Self.silentLevels,
                                 toneRatio: 0)
        }
        let rowPhasors = zip(rowCoefficients, rowSines).map { Self.phasor(weighted, coefficient: $0, sine: $1) }
        let columnPhasors = zip(columnCoefficients, columnSines).map { Self.phasor(weighted, coefficient: $0, sine: $1) }
        let rows = rowPhasors.map { scale * ($0.re * $0.re + $0.im * $0.im) }
        let columns = columnPhasors.map { scale * ($0.re * $0.re + $0.im * $0.im) }
        let level = { (power: Double) in power > 0 ? 10 * log10(2 * power) - 20 * log10(32768) : -Double.infinity }
        var result = BlockAnalysis(
            digit: nil, rejection: nil, rowLevels: rows.map(level), columnLevels: columns.map(level), toneRatio: 0,
            rowPhasors: rowPhasors, columnPhasors: columnPhasors)

        guard let row = Self.strongest(rows), let column = Self.strongest(columns) else {
            result.rejection = .weakTone
            return result
        }
        let rowPower = rows[row], columnPower = columns[column]
        result.toneRatio = (rowPower + columnPower) / meanSquare
        if rowPower < minimumPower || columnPower < minimumPower {
            result.rejection = .weakTone
        } else if rowPower > columnPower * twistRatio || columnPower > rowPower * twistRatio {
            result.rejection = .twist
        } else if rows.indices.contains(where: { $0 != row && rows[$0] > rowPower * peakRatio }) {
            result.rejection = .rowPeak
        } else if columns.indices.contains(where: { $0 != column && columns[$0] > columnPower * peakRatio }) {
            result.rejection = .columnPeak
        } else if result.toneRatio < minimumToneRatio {
            result.rejection = .impure
        } else if harmonicTooStrong(weighted, row: row, column: column, rowPower: rowPower, columnPower: columnPower, scale: scale) {
            result.rejection = .harmonic
        } else {
            result.digit = DTMFTones.keypad[row][column]
        }
        return result
    }

    /// Voiced speech is harmonic: a series through both tones also holds their octaves. The row
    /// octave is only measured when it lies clear of the column tone (1394 Hz, for one, sits
    /// between 1336 and 1477 Hz, where the column tone itself leaks into it).
    private func harmonicTooStrong(_ weighted: [Double], row: Int, column: Int, rowPower: Double, columnPower: Double, scale: Double) -> Bool {
        if scale * Self.goertzel(weighted, coefficient: columnHarmonicCoefficients[column]) > columnPower * harmonicRatio {
            return true
        }
        let clearance = abs(2 * DTMFTones.rows[row] - DTMFTones.columns[column])
        guard clearance >= harmonicClearance else { return false }
        return scale * Self.goertzel(weighted, coefficient: rowHarmonicCoefficients[row]) > rowPower * harmonicRatio
    }

    private static let silentLevels = [Double](repeating: -Double.infinity, count: 4)

    private static func strongest(_ powers: [Double]) -> Int? {
        guard let best = powers.indices.max(by: { powers[$0] < powers[$1] }), powers[best] > 0 else { return nil }
        return best
    }

    /// The Goertzel output as a complex value: s1 - e^(-jw) s2 (the DFT bin up to a fixed rotation).
    private static func phasor(_ block: [Double], coefficient: Double, sine: Double) -> Phasor {
        var s1 = 0.0, s2 = 0.0
        for sample in block {
            let s0 = sample + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return Phasor(re: s1 - coefficient / 2 * s2, im: sine * s2)
    }

    /// Squared magnitude of the DFT at the filter's frequency (second-order Goertzel recursion).
    private static func goertzel(_ block: [Double], coefficient: Double) -> Double {
        var s1 = 0.0, s2 = 0.0
        for sample in block {
            let s0 = sample + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2
    }
}
