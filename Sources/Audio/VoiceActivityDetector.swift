import Foundation
import Wire

/// An energy-based voice activity detector with an adaptive noise floor and hangover.
///
/// Audio is cut into 10 ms windows after a DC-blocking filter. Each window's RMS level (dBFS) is
/// compared with the noise floor, the lowest window level of the last `noiseWindow`: speech
/// always dips between syllables, so the floor follows the background, and steady noise becomes
/// the floor within `noiseWindow`. Works at any rate that is a multiple of 100 Hz (8, 16, 48 kHz).
/// Sans-IO: feed samples with the time of their first sample; events carry times.
public struct VoiceActivityDetector: Sendable {
    public let sampleRate: Int
    public let configuration: VoiceActivityConfiguration
    public private(set) var isSpeaking = false
    /// The current noise floor in dBFS (-100 before any audio).
    public private(set) var noiseFloorDBFS = -100.0
    /// Our prompt is playing (or its echo may still come back): speech must reach
    /// `playbackMinimumLevelDBFS`, above the residual echo.
    public var playbackActive = false

    private let windowSamples: Int
    private let windowDuration: Duration
    private var pending: [Int16] = []
    private var pendingStart = Instant(nanoseconds: 0)
    private var previousInput = 0.0
    private var previousOutput = 0.0
    private var levels: [Double]
    private var levelCount = 0
    private var levelCursor = 0
    private var runStart: Instant?
    private var runWindows = 0
    private var speechStart = Instant(nanoseconds: 0)
    private var lastSpeechEnd = Instant(nanoseconds: 0)
    private var quietWindows = 0

    public init(sampleRate: Int, configuration: VoiceActivityConfiguration = VoiceActivityConfiguration()) {
        self.sampleRate = sampleRate
        self.configuration = configuration
        windowSamples = max(1, sampleRate / 100)
        windowDuration = .nanoseconds(Int64(windowSamples) * 1_000_000_000 / Int64(max(1, sampleRate)))
        levels = [Double](repeating: 0, count: max(1, Self.windows(in: configuration.noiseWindow)))
    }

    /// Analyses `samples`, whose first sample was captured at `start`. Samples left over from the
    /// previous call (less than a window) are joined to these when `start` follows them within a
    /// window; after a larger jump they are dropped.
    public mutating func process(_ samples: [Int16], at start: Instant) -> [VoiceActivityEvent] {
        if pending.isEmpty {
            pendingStart = start
        } else {
            let expected = pendingStart + .nanoseconds(Int64(pending.count) * 1_000_000_000 / Int64(max(1, sampleRate)))
            let gap = (start - expected).totalNanoseconds
            if abs(gap) > windowDuration.totalNanoseconds {
                pending.removeAll()
                pendingStart = start
            }
        }
        pending.append(contentsOf: samples)
        var events: [VoiceActivityEvent] = []
        var offset = 0
        while pending.count - offset >= windowSamples {
            let level = level(of: pending[offset..<(offset + windowSamples)])
            let windowStart = pendingStart
            pendingStart = pendingStart + windowDuration
            if let event = classify(level: level, start: windowStart, end: pendingStart) { events.append(event) }
            offset += windowSamples
        }
        pending.removeFirst(offset)
        return events
    }

    /// Ends the stream: reports the end of speech still in progress.
    public mutating func finish() -> [VoiceActivityEvent] {
        guard isSpeaking else { return [] }
        isSpeaking = false
        runStart = nil
        runWindows = 0
        return [.speechEnded(at: lastSpeechEnd, duration: lastSpeechEnd - speechStart)]
    }

    // MARK: - Internals

    private static func windows(in duration: Duration) -> Int {
        Int((duration.totalNanoseconds + 9_999_999) / 10_000_000)
    }

    /// RMS level in dBFS after a one-pole DC blocker.
    private mutating func level(of window: ArraySlice<Int16>) -> Double {
        var energy = 0.0
        for sample in window {
            let x = Double(sample)
            let y = x - previousInput + 0.995 * previousOutput
            previousInput = x
            previousOutput = y
            energy += y * y
        }
        let meanSquare = energy / Double(window.count) / (32768.0 * 32768.0)
        return meanSquare > 1e-10 ? 10 * log10(meanSquare) : -100
    }

    private mutating func classify(level: Double, start: Instant, end: Instant) -> VoiceActivityEvent? {
        levels[levelCursor] = level
        levelCursor = (levelCursor + 1) % levels.count
        levelCount = min(levelCount + 1, levels.count)
        noiseFloorDBFS = levels[0..<levelCount].min() ?? level
        let margin = isSpeaking ? configuration.continueMarginDB : configuration.startMarginDB
        let minimum = playbackActive ? max(configuration.minimumLevelDBFS, configuration.playbackMinimumLevelDBFS)
            : configuration.minimumLevelDBFS
        let isSpeech = level > max(noiseFloorDBFS + margin, minimum)
        if isSpeaking {
            if isSpeech {
                lastSpeechEnd = end
                quietWindows = 0
                return nil
            }
            quietWindows += 1
            guard quietWindows >= Self.windows(in: configuration.hangover) else { return nil }
            isSpeaking = false
            runStart = nil
            runWindows = 0
            return .speechEnded(at: lastSpeechEnd, duration: lastSpeechEnd - speechStart)
        }
        guard isSpeech else {
            runStart = nil
            runWindows = 0
            return nil
        }
        if runStart == nil { runStart = start }
        runWindows += 1
        guard runWindows >= Self.windows(in: configuration.minimumSpeech), let first = runStart else { return nil }
        isSpeaking = true
        quietWindows = 0
        speechStart = first
        lastSpeechEnd = end
        return .speechStarted(at: first)
    }
}
