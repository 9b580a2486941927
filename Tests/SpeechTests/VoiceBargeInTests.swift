@testable import Flow
import Foundation
import Speech
import Testing

/// Scenario: the caller says a keyword while the menu prompt plays, and their phone sends back
/// what its echo canceller leaves of our prompt (the prompt at -20 dB). Every keyword utterance of
/// the set (keywords and carrier phrases, each condition), starting 15-55 % into its menu's prompt,
/// is heard once with the echo and once without (the prompt plays in both: a perfect echo canceller);
/// the menu must still reach the option said (taken or asked about). The echo alone, which says the menu's own words ("Sales, press 1. Support, 2."),
/// must reach no option.
@Suite("Voice barge-in over the prompt's echo")
struct VoiceBargeInTests {
    @Test
    func keywordsOverThePromptsEcho() async throws {
        let set = try await TestSet.shared()
        let lexicon = try Lexicon.load()
        var prompts: [String: [Int16]] = [:]
        for (menu, file) in EchoBargeIn.promptOfMenu { prompts[menu] = try EchoBargeIn.prompt(file) }
        let keywordTrials = set.indices.filter { !set[$0].pcm48.isEmpty }
        #expect(keywordTrials.count == (TestSet.isFull ? 864 : 432))

        // With and without the echo, in parallel.
        let results = try await withThrowingTaskGroup(of: (Bool, [String: BargeInCounts]).self) { group in
            for withEcho in [true, false] {
                let prompts = prompts
                group.addTask {
                    var recognizers: [String: KeywordRecognizer] = [:]
                    for menu in exampleMenus {
                        recognizers[menu.name] = try EchoBargeIn.recognizer(options: menu.options, lexicon: lexicon)
                    }
                    var counts: [String: BargeInCounts] = [:]
                    for (n, i) in keywordTrials.enumerated() {
                        let u = set[i]
                        guard let said = u.keyword, let menu = exampleMenus.first(where: { $0.options.joined().contains(said) }),
                              let prompt = prompts[menu.name], let recognizer = recognizers[menu.name] else { continue }
                        let offset = Int(Double(prompt.count) * (0.15 + 0.1 * Double(n % 5)))
                        let audio = try EchoBargeIn.heard(caller: u.pcm48, at: offset, echo: withEcho ? prompt : nil)
                        let heard = try EchoBargeIn.listen(audio, recognizer: recognizer, playing: Double(prompt.count) / 48_000)
                        let outcome = EchoBargeIn.outcome(heard,
                                                          expected: said, options: menu.options)
                        counts[u.engine, default: BargeInCounts()].add(outcome)
                        counts["all", default: BargeInCounts()].add(outcome)
                    }
                    return (withEcho, counts)
                }
            }
            var out: [Bool: [String: BargeInCounts]] = [:]
            for try await (withEcho, counts) in group { out[withEcho] = counts }
            return out
        }
        let echo = results[true] ?? [:], quiet = results[false] ?? [:]
        func p(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        var table = ["Voice barge-in: a keyword said 15-55 % into the menu prompt, the prompt's echo at -20 dB",
                     "", "| engine | trials | option reached, no echo | option reached, with echo | wrong option taken or asked, no echo | … with echo |",
                     "|---|---:|---:|---:|---:|---:|"]
        for engine in AccuracyTests.engines + ["all"] {
            let e = echo[engine] ?? BargeInCounts(), q = quiet[engine] ?? BargeInCounts()
            table.append("| \(engine) | \(e.trials) | \(p(q.reachedRate)) | \(p(e.reachedRate)) | \(p(q.wrongRate)) | \(p(e.wrongRate)) |")
        }

        // The echo alone never reaches an option.
        for menu in exampleMenus {
            guard let prompt = prompts[menu.name] else { continue }
            let recognizer = try EchoBargeIn.recognizer(options: menu.options, lexicon: lexicon)
            let heard = try EchoBargeIn.listen(try EchoBargeIn.heard(caller: [], at: 0, echo: prompt), recognizer: recognizer,
                                               playing: Double(prompt.count) / 48_000)
            let acted = heard.filter { ConfirmationBand().decide($0.match.confidence) != .reject }
            table.append("echo alone, \(menu.name): heard \(heard.map { "\($0.match.word) \(String(format: "%.2f", $0.match.confidence))" })")
            #expect(acted.isEmpty, "the echo of \(menu.name)'s prompt reached an option: \(acted.map(\.match))")
        }
        let text = table.joined(separator: "\n")
        print(text)
        if let path = ProcessInfo.processInfo.environment["SPEECH_BARGE_IN_TABLE"] {
            try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }

        // Floors at what the set measured minus 2 points (ceilings plus 1 point for wrong options).
        // The echo costs (almost) nothing: within 2 points of the same words over a silent line.
        let echoAll = echo["all"] ?? BargeInCounts(), quietAll = quiet["all"] ?? BargeInCounts()
        #expect(echoAll.reachedRate >= quietAll.reachedRate - 0.02)
        let floors = TestSet.isFull ? Self.fullFloors : Self.quickFloors
        for (engine, floor) in floors {
            let e = echo[engine] ?? BargeInCounts()
            #expect(e.reachedRate >= floor.reached, "\(engine): option reached with the echo")
            #expect(e.wrongRate <= floor.wrong, "\(engine): wrong option with the echo")
        }
    }

    struct Floor {
        var reached, wrong: Double
    }

    // Measured 2026-12-06 (normal speed, 432 keyword utterances; recognizer with the shipped weights;
    // speech louder than -26 dBFS while the prompt plays), option reached with the echo / without:
    // espeak 83.3 / 83.9 %, flite 82.8 / 84.9 %, Piper 81.2 / 81.2 %, all 82.9 / 84.0 %; a wrong option
    // taken or asked about with the echo: 11.5, 6.8, 4.2, 8.6 % (8.8 % without). Piper re-measured with
    // onnxruntime 1.32.0, pinned in .ci/deps.sh (the earlier runtime gave 83.3 / 79.2 % and 2.1 %: one of its
    // 48 utterances moved). Before speech had to be louder than the echo during a prompt: 57.4 % reached
    // and 40.3 % wrong with the echo, and the echo alone reached "sales" and "cancel".
    static let quickFloors: [String: Floor] = [
        "espeak": Floor(reached: 0.813, wrong: 0.125), "flite": Floor(reached: 0.808, wrong: 0.078),
        "piper": Floor(reached: 0.792, wrong: 0.052), "all": Floor(reached: 0.809, wrong: 0.096),
    ]
    // Both speeds (make bench): not measured yet; held to the normal speed's floors.
    static let fullFloors = quickFloors
}
