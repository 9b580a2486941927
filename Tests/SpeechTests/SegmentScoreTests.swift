@testable import Speech
import Testing

@Suite("Keyword-frame scoring against the phone loop")
struct SegmentScoreTests {
    @Test func aPhoneLoopSegmentCountsProRataForTheFramesItShares() {
        // A phone-loop word over frames 10...19 (10 frames) with acoustic score -1,000.
        let phone = KeywordRecognizer.Segment(word: "phn_s", start: 10, end: 19, acoustic: -1_000)
        #expect(phone.frames == 10)
        #expect(phone.acoustic(overlapping: 10...19) == -1_000)
        #expect(phone.acoustic(overlapping: 15...40) == -500)   // 5 of its 10 frames
        #expect(phone.acoustic(overlapping: 0...10) == -100)    // 1 frame
        #expect(phone.acoustic(overlapping: 20...30) == 0)      // none
        #expect(phone.acoustic(overlapping: 0...9) == 0)
    }

    @Test func alternativePronunciationsCountAsTheirWord() {
        #expect(KeywordRecognizer.baseWord("open(2)") == "open")
        #expect(KeywordRecognizer.baseWord("sales") == "sales")
        #expect(KeywordRecognizer.baseWord("<sil>") == "<sil>")
    }
}
