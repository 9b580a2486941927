@testable import Flow
import Foundation
import Speech
import Testing

/// Scenario: real human speech. CMU's "cards" recordings (Debian pocketsphinx-testdata: one speaker,
/// 16 kHz) pass through Opus at 24 kbit/s like a caller's audio, into a menu of the four suits:
/// "ten of clubs" must reach clubs (taken, or at worst asked about), and "five five", which names no
/// suit, must not reach any option without a question.
@Suite struct HumanSpeechTests {
    static let directory = "/usr/share/pocketsphinx/test/data/cards/"
    /// Needs pocketsphinx-testdata and sox (.ci/deps.sh test installs them).
    @Test func cardsReachTheirSuit() throws {
        var configuration = RecognizerConfiguration(words: ["clubs", "hearts", "spades", "diamonds"])
        configuration.defaultConfidence = 0
        let recognizer = try KeywordRecognizer(configuration: configuration, lexicon: try Lexicon.load())
        for (file, said) in [("001", "ten of clubs"), ("002", "four queen of clubs"), ("003", "seven of clubs")] {
            let match = try Trials.recognize(try Self.heardThroughOpus(file), with: recognizer)
            print("human speech \(file) \"\(said)\":", match.map { "\($0.word) \($0.confidence)" } ?? "nothing")
            #expect(match?.word == "clubs", "\(said)")
            #expect((match?.confidence ?? 0) >= ConfirmationBand.defaultConfirmAbove, "\(said)")
        }
        let none = try Trials.recognize(try Self.heardThroughOpus("004"), with: recognizer)
        print("human speech 004 \"five five\":", none.map { "\($0.word) \($0.confidence)" } ?? "nothing")
        #expect((none?.confidence ?? 0) < ConfirmationBand.defaultAcceptAbove)
    }

    /// The recording at 48 kHz (sox), through Opus at 24 kbit/s, back to 16 kHz.
    static func heardThroughOpus(_ name: String) throws -> [Int16] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cards-\(getpid())-\(name).raw")
        defer { try? FileManager.default.removeItem(at: out) }
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-R", directory + name + ".wav", "-r", "48000", "-c", "1", "-b", "16", "-e", "signed", "-t", "raw", out.path,
                         "pad", "0.3", "0.3"]
        try sox.run()
        sox.waitUntilExit()
        guard sox.terminationStatus == 0 else { throw TestSetError.script(status: sox.terminationStatus) }
        let data = try Data(contentsOf: out)
        return Decimator.by3(try TestSet.opusRoundTrip(data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }))
    }
}
