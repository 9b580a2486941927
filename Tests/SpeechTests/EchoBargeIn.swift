@testable import Flow
import Audio
import Foundation
import Speech
import Wire

/// A caller barging in by voice on a menu prompt: the phone sends the caller's words mixed with what
/// is left of our prompt after its echo canceller (the prompt at -20 dB), through Opus; the menu
/// hears it as `CallerAudioPipeline` hands it on (voice activity gated, louder than the echo while
/// the prompt plays, with a 200 ms pre-roll, the utterance ended when the detector says speech ended) and acts on the first keyword its
/// confirmation band does not reject, as `FlowEngine` does during a prompt.
enum EchoBargeIn {
    /// The residual echo: our prompt 20 dB down.
    static let echoGain = 0.1
    /// The example menus' prompts (Prompts/, what ivrd plays for them).
    static let promptOfMenu = ["main.menu": "main_menu", "appointment.confirm": "confirm_menu"]

    enum Outcome: Equatable {
        /// The option of the keyword said, taken at once or asked about.
        case reached
        /// Another option, taken or asked about.
        case wrong
        /// No keyword the band acts on.
        case missed
    }

    /// A prompt file as the caller's phone plays it: 48 kHz mono (sox).
    static func prompt(_ name: String) throws -> [Int16] {
        let path = TestSet.testsDirectory.appendingPathComponent("../../Prompts/\(name).wav").standardized.path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(getpid())-\(name).raw")
        defer { try? FileManager.default.removeItem(at: out) }
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-R", path, "-r", "48000", "-c", "1", "-b", "16", "-e", "signed", "-t", "raw", out.path]
        try sox.run()
        sox.waitUntilExit()
        guard sox.terminationStatus == 0 else { throw TestSetError.script(status: sox.terminationStatus) }
        return try Data(contentsOf: out).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }

    /// What the phone sends at 48 kHz: the prompt's echo from 0 (if any) and the caller's clip from
    /// `offset` samples, then 600 ms of quiet; heard by us at 16 kHz after Opus.
    static func heard(caller: [Int16], at offset: Int, echo: [Int16]?) throws -> [Int16] {
        let count = max(echo?.count ?? 0, offset + caller.count) + 28_800
        var mix = [Double](repeating: 0, count: count)
        if let echo { for (i, s) in echo.enumerated() { mix[i] += echoGain * Double(s) } }
        for (i, s) in caller.enumerated() { mix[offset + i] += Double(s) }
        let pcm = mix.map { Int16(max(-32768, min(32767, $0.rounded()))) }
        return Decimator.by3(try TestSet.opusRoundTrip(pcm))
    }

    /// The keywords the menu's recognizer reports, in order, each with the second it came at. The
    /// prompt plays for the first `playing` seconds: until 300 ms after (the pipeline's `echoTail`)
    /// speech must be louder than its echo (`playbackMinimumLevelDBFS`).
    static func listen(_ samples16k: [Int16], recognizer: KeywordRecognizer, playing: Double) throws
        -> [(match: KeywordMatch, second: Double)] {
        var vad = VoiceActivityDetector(sampleRate: 16_000)
        let preRollFrames = 10
        var preRoll: [[Int16]] = []
        var out: [(KeywordMatch, Double)] = []
        var i = 0
        while i < samples16k.count {
            let frame = Array(samples16k[i..<min(i + 320, samples16k.count)])
            let at = Instant(nanoseconds: Int64(i) * 62_500)
            let second = Double(i + frame.count) / 16_000
            vad.playbackActive = Double(i) / 16_000 < playing + 0.3
            for event in vad.process(frame, at: at) {
                switch event {
                case .speechStarted:
                    if !preRoll.isEmpty, let m = try recognizer.process(preRoll.flatMap { $0 }) { out.append((m, second)) }
                    preRoll.removeAll()
                case .speechEnded:
                    if let m = try recognizer.endUtterance() { out.append((m, second)) }
                }
            }
            if vad.isSpeaking {
                if let m = try recognizer.process(frame) { out.append((m, second)) }
            } else {
                preRoll.append(frame)
                if preRoll.count > preRollFrames { preRoll.removeFirst() }
            }
            i += 320
        }
        if let m = try recognizer.endUtterance() { out.append((m, Double(samples16k.count) / 16_000)) }
        return out
    }

    /// The first keyword the menu's default band acts on, and what it reaches.
    static func outcome(_ heard: [(match: KeywordMatch, second: Double)], expected: String, options: [[String]]) -> Outcome {
        let band = ConfirmationBand()
        guard let acted = heard.first(where: { band.decide($0.match.confidence) != .reject }) else { return .missed }
        let option = { (w: String) in options.firstIndex { $0.contains(w) } }
        return option(acted.match.word) == option(expected) ? .reached : .wrong
    }

    /// The menu's recognizer as ivrd makes it (SpeechRuntime): shipped weights, every keyword reported.
    static func recognizer(options: [[String]], lexicon: Lexicon) throws -> KeywordRecognizer {
        var configuration = RecognizerConfiguration(words: options.flatMap { $0 })
        configuration.defaultConfidence = 0
        return try KeywordRecognizer(configuration: configuration, lexicon: lexicon)
    }
}

/// Per-engine counts of the barge-in trials.
struct BargeInCounts: Sendable {
    var trials = 0, reached = 0, wrong = 0

    mutating func add(_ o: EchoBargeIn.Outcome) {
        trials += 1
        if o == .reached { reached += 1 }
        if o == .wrong { wrong += 1 }
    }

    var reachedRate: Double { CallerFigures.rate(reached, trials) }
    var wrongRate: Double { CallerFigures.rate(wrong, trials) }
}
