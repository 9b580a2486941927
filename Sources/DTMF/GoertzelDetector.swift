import Foundation
import Wire

/// In-band DTMF detection over 16-bit mono PCM (8, 16 or 48 kHz), sans-IO.
///
/// The audio is analysed in Hann-windowed blocks of `blockDuration` (20 ms by default; 10-20 ms
/// allowed) every half block (10 ms). Each block runs through eight Goertzel filters, one per
/// DTMF frequency, and is a *hit* for a digit when all of these hold (see `BlockAnalyzer`):
/// - level: the strongest row and the strongest column tone are each at least `minimumLevel` dBFS;
/// - twist: the two tones are within `maximumTwist` dB of each other;
/// - relative peak: every other tone of the same group is `relativePeak` dB below the strongest;
/// - purity: the two tones carry at least `minimumToneRatio` of the block's energy, which rejects
///   noise, music and most speech (energy spread over many frequencies) and blocks only partly
///   covered by a tone;
/// - harmonics: the column tone's octave (and the row tone's, where it lies clear of the column
///   tone) is `maximumHarmonic` dB (or more) below it; voiced speech whose harmonic series
///   passes through a row and a column frequency usually fails this.
/// Between two consecutive hits for one digit, the phase advance of each tone's filter gives its
/// true frequency: it must be within `maximumFrequencyDeviation` of nominal (3 %; ITU-T Q.24
/// accepts 1.5 % and rejects 3.5 %), and the estimates of one candidate press may spread by at
/// most `maximumFrequencyDrift` (0.5 %). DTMF tones hold their frequency; the harmonics of speech
/// glide with its pitch, which is what rejects voices whose harmonics pass every other check.
/// A press is confirmed after `minimumToneDuration` of consecutive hits for one digit (40 ms:
/// three hits 10 ms apart; 40 ms tones are found at any alignment, 20 ms tones never are) and
/// ends after `minimumGap` without hits for it (30 ms by default; shorter dropouts are bridged).
/// Only then is the digit reported, once, with the start of its first hit block and the time to
/// the end of its last hit block (so start and duration are accurate to about half a block).
public struct GoertzelDetector: Sendable {
    public static let supportedSampleRates = [8000, 16000, 48000]

    public struct Configuration: Sendable, Equatable {
        /// Analysis block (window) length; blocks start every half block.
        public var blockDuration: Duration = .milliseconds(20)
        public var minimumToneDuration: Duration = .milliseconds(40)
        public var minimumGap: Duration = .milliseconds(30)
        /// Minimum level of each tone, dBFS (a full-scale sine is 0 dBFS).
        public var minimumLevel: Double = -40
        public var maximumTwist: Double = 8
        public var relativePeak: Double = 6
        public var minimumToneRatio: Double = 0.6
        /// Largest allowed level of a tone's octave relative to the tone, dB.
        public var maximumHarmonic: Double = -20
        /// Largest allowed deviation of a measured tone frequency from nominal (fraction).
        public var maximumFrequencyDeviation: Double = 0.03
        /// Largest allowed spread of one tone's measured frequency within a candidate (fraction).
        public var maximumFrequencyDrift: Double = 0.005
        public init() {}
    }

    public let configuration: Configuration
    private let hitsToConfirm: Int
    private let missesToEnd: Int

    private enum State: Sendable {
        case idle
        case candidate(digit: Character, start: Instant, hits: Int, track: FrequencyTrack)
        case tone(digit: Character, start: Instant, lastHitEnd: Instant, misses: Int)
    }

    /// The measured frequencies of one candidate's tones, as ranges.
    struct FrequencyTrack: Sendable {
        var row: ClosedRange<Double>?
        var column: ClosedRange<Double>?
        var count = 0

        func adding(row r: Double, column c: Double) -> FrequencyTrack {
            FrequencyTrack(
                row: row.map { min($0.lowerBound, r)...max($0.upperBound, r) } ?? r...r,
                column: column.map { min($0.lowerBound, c)...max($0.upperBound, c) } ?? c...c,
                count: count + 1)
        }
    }

    private var state = State.idle
    private var previous: BlockAnalysis?
    private var analyzer: BlockAnalyzer?
    private var pending: [Int16] = []
    private var timelineBase = Instant(nanoseconds: 0)
    /// Samples since `timelineBase` up to the first pending sample.
    private var consumed: Int64 = 0

    public init(configuration: Configuration = Configuration()) throws {
        let block = configuration.blockDuration
        guard block >= .milliseconds(10), block <= .milliseconds(20), block.totalNanoseconds % 1_000_000 == 0 else {
            throw DTMFError.invalidSetting(name: "blockDuration", value: "\(block)", expected: "whole milliseconds from 10 ms to 20 ms")
        }
        let hop = block / 2
        guard configuration.minimumToneDuration >= hop * 3 else {
            throw DTMFError.invalidSetting(name: "minimumToneDuration", value: "\(configuration.minimumToneDuration)", expected: "at least one and a half blocks")
        }
        guard configuration.minimumGap >= hop else {
            throw DTMFError.invalidSetting(name: "minimumGap", value: "\(configuration.minimumGap)", expected: "at least half a block")
        }
        guard (0.0...1.0).contains(configuration.minimumToneRatio) else {
            throw DTMFError.invalidSetting(name: "minimumToneRatio", value: "\(configuration.minimumToneRatio)", expected: "a ratio from 0 to 1")
        }
        self.configuration = configuration
        let hopNanos = hop.totalNanoseconds
        // A tone of minimumToneDuration mostly covers (duration / hop - 1) consecutive blocks.
        hitsToConfirm = max(2, Int(configuration.minimumToneDuration.totalNanoseconds / hopNanos) - 1)
        missesToEnd = Int((configuration.minimumGap.totalNanoseconds + hopNanos - 1) / hopNanos)
    }

    /// Feeds PCM whose first sample was captured at `at`. Consecutive calls continue one timeline;
    /// a change of sample rate or a jump of `at` by more than one block from where the previous
    /// audio ended starts a new one (a confirmed tone in progress is reported first).
    public mutating func process(pcm: [Int16], sampleRate: Int, at: Instant) throws -> [DigitEvent] {
        guard Self.supportedSampleRates.contains(sampleRate) else {
            throw DTMFError.unsupportedSampleRate(actual: sampleRate, supported: Self.supportedSampleRates)
        }
        var out: [DigitEvent] = []
        if let analyzer, analyzer.sampleRate == sampleRate {
            let expected = time(ofSample: consumed + Int64(pending.count), rate: sampleRate)
            let drift = abs((at - expected).totalNanoseconds)
            if drift > configuration.blockDuration.totalNanoseconds { out += restart(at: at) }
        } else {
            out += restart(at: at)
            analyzer = BlockAnalyzer(sampleRate: sampleRate, configuration: configuration)
        }
        guard let analyzer else { return out }
        pending += pcm
        let size = analyzer.blockSize
        let hop = size / 2
        var offset = 0
        while pending.count - offset >= size {
            let start = time(ofSample: consumed, rate: sampleRate)
            let end = time(ofSample: consumed + Int64(size), rate: sampleRate)
            let analysis = analyzer.analyze(pending[offset..<(offset + size)])
            let (hit, frequencies) = measure(analysis, hopSeconds: Double(hop) / Double(sampleRate))
            previous = analysis
            out += step(hit: hit, frequencies: frequencies, blockStart: start, blockEnd: end)
            offset += hop
            consumed += Int64(hop)
        }
        pending.removeFirst(offset)
        return out
    }

    /// Reports a confirmed tone still in progress (end of the audio) and forgets partial state.
    public mutating func flush() -> [DigitEvent] {
        defer { state = .idle }
        if case let .tone(digit, start, lastHitEnd, _) = state {
            return [DigitEvent(digit: digit, rtpTimestamp: nil, start: start, duration: lastHitEnd - start, via: .inband)]
        }
        return []
    }

    private mutating func restart(at: Instant) -> [DigitEvent] {
        let out = flush()
        previous = nil
        pending.removeAll()
        timelineBase = at
        consumed = 0
        return out
    }

    private func time(ofSample index: Int64, rate: Int) -> Instant {
        Instant(nanoseconds: timelineBase.nanoseconds + index * 1_000_000_000 / Int64(rate))
    }

    /// The block's digit, and its tones' frequencies measured from the phase advance since the
    /// previous block when that block showed the same digit. A measured tone too far from nominal
    /// voids the hit.
    private func measure(_ analysis: BlockAnalysis, hopSeconds: Double) -> (Character?, (row: Double, column: Double)?) {
        guard let digit = analysis.digit, let previous, previous.digit == digit,
              let (rowFrequency, columnFrequency) = DTMFTones.frequencies(of: digit),
              let row = DTMFTones.rows.firstIndex(of: rowFrequency),
              let column = DTMFTones.columns.firstIndex(of: columnFrequency) else {
            return (analysis.digit, nil)
        }
        func measured(_ nominal: Double, _ now: Phasor, _ before: Phasor) -> Double {
            let expected = 2 * Double.pi * nominal * hopSeconds
            let advance = now.angle(since: before) - expected
            return nominal + atan2(sin(advance), cos(advance)) / (2 * Double.pi * hopSeconds)
        }
        let r = measured(rowFrequency, analysis.rowPhasors[row], previous.rowPhasors[row])
        let c = measured(columnFrequency, analysis.columnPhasors[column], previous.columnPhasors[column])
        let limit = configuration.maximumFrequencyDeviation
        guard abs(r - rowFrequency) <= limit * rowFrequency, abs(c - columnFrequency) <= limit * columnFrequency else {
            return (nil, nil)
        }
        return (digit, (r, c))
    }

    private func steady(_ track: FrequencyTrack, digit: Character) -> Bool {
        guard let (rowFrequency, columnFrequency) = DTMFTones.frequencies(of: digit) else { return false }
        let drift = configuration.maximumFrequencyDrift
        let rowSpread = track.row.map { $0.upperBound - $0.lowerBound } ?? 0
        let columnSpread = track.column.map { $0.upperBound - $0.lowerBound } ?? 0
        return rowSpread <= drift * rowFrequency && columnSpread <= drift * columnFrequency
    }

    private mutating func step(hit: Character?, frequencies: (row: Double, column: Double)?, blockStart: Instant, blockEnd: Instant) -> [DigitEvent] {
        switch state {
        case .idle:
            if let hit { state = .candidate(digit: hit, start: blockStart, hits: 1, track: FrequencyTrack()) }
        case let .candidate(digit, start, hits, track):
            if let hit, hit == digit {
                let track = frequencies.map { track.adding(row: $0.row, column: $0.column) } ?? track
                if !steady(track, digit: digit) {
                    state = .candidate(digit: hit, start: blockStart, hits: 1, track: FrequencyTrack())
                } else if hits + 1 >= hitsToConfirm, track.count >= hitsToConfirm - 1 {
                    state = .tone(digit: digit, start: start, lastHitEnd: blockEnd, misses: 0)
                } else {
                    state = .candidate(digit: digit, start: start, hits: hits + 1, track: track)
                }
            } else if let hit {
                state = .candidate(digit: hit, start: blockStart, hits: 1, track: FrequencyTrack())
            } else {
                state = .idle
            }
        case let .tone(digit, start, lastHitEnd, misses):
            if hit == digit {
                state = .tone(digit: digit, start: start, lastHitEnd: blockEnd, misses: 0)
            } else if misses + 1 >= missesToEnd {
                state = .idle
                return [DigitEvent(digit: digit, rtpTimestamp: nil, start: start, duration: lastHitEnd - start, via: .inband)]
            } else {
                state = .tone(digit: digit, start: start, lastHitEnd: lastHitEnd, misses: misses + 1)
            }
        }
        return []
    }
}
