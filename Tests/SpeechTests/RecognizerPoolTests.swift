import Foundation
import Speech
import Testing

@Suite("Recognizer pool")
struct RecognizerPoolTests {
    static let modelPresent = FileManager.default.fileExists(atPath: RecognizerConfiguration.defaultModelPath + "/mdef")
    let lexicon: Lexicon
    init() throws {
        lexicon = try Lexicon(text: "sales S EY L Z\nhelp HH EH L P\n", path: "t.dict")
    }

    @Test func refusesBeyondTheLimitAndCountsSaturation() async throws {
        let pool = RecognizerPool(limit: 1)
        let config = RecognizerConfiguration(words: ["sales", "help"])
        let first = try #require(pool.start(configuration: config, lexicon: lexicon))
        #expect(pool.start(configuration: config, lexicon: lexicon) == nil)
        #expect(pool.metrics.saturated == 1)
        #expect(pool.metrics.active == 1)
        first.close()
        for await _ in first.events {}   // finishes once the worker released the slot
        #expect(pool.metrics.active == 0)
        let again = try #require(pool.start(configuration: config, lexicon: lexicon))
        again.close()
        #expect(pool.metrics.started == 2)
    }

    @Test func feedNeverBlocksAndDropsBeyondTheBacklog() async throws {
        let pool = RecognizerPool(limit: 2, maxBacklogFrames: 4)
        let session = try #require(pool.start(configuration: RecognizerConfiguration(words: ["sales"]), lexicon: lexicon))
        var accepted = 0
        for _ in 0..<200 where session.feed([Int16](repeating: 0, count: 320)) { accepted += 1 }
        #expect(accepted >= 4)
        #expect(pool.metrics.droppedFrames == 200 - accepted)
        session.close()
        #expect(session.feed([0]) == false)
        for await _ in session.events {}
    }

    @Test func buildFailureArrivesAsAnEvent() async throws {
        let pool = RecognizerPool(limit: 1)
        let session = try #require(pool.start(
            configuration: RecognizerConfiguration(words: ["sales"], modelPath: "/nonexistent"), lexicon: lexicon))
        session.close()   // queued after the build, so the failure comes first
        var events: [RecognitionEvent] = []
        for await e in session.events { events.append(e) }
        #expect(events == [.failed(.missingModel(path: "/nonexistent", file: "mdef"))])
    }

    @Test
    func recognizesASpokenKeywordThroughASession() async throws {
        let lexicon = try Lexicon.load()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("speech-pool-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("sales.raw").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "espeak-ng -v en-us+m3 -s 140 --stdout sales | sox -t wav - -r 16000 -c 1 -b 16 -e signed -t raw \(raw) norm -3 pad 0.3 0.3"]
        try p.run()
        p.waitUntilExit()
        let pcm = try Data(contentsOf: URL(fileURLWithPath: raw)).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let pool = RecognizerPool()
        // Low thresholds: this checks the plumbing (frames → worker → event); accuracy is AccuracyTests' job.
        let keywords = ["sales", "support"].map { Keyword($0, threshold: 0.01) }
        let session = try #require(pool.start(configuration: RecognizerConfiguration(keywords: keywords), lexicon: lexicon))
        var i = 0
        while i < pcm.count {
            session.feed(Array(pcm[i..<min(i + 320, pcm.count)]))
            i += 320
        }
        session.endUtterance()
        session.close()   // runs after the queued frames and the utterance end
        var events: [RecognitionEvent] = []
        for await e in session.events { events.append(e) }
        guard case let .keyword(match)? = events.first else {
            Issue.record("expected a keyword event, got \(events)")
            return
        }
        #expect(match.word == "sales")
        #expect(match.confidence > 0.01 && match.confidence <= 1)
    }
}

@Suite("Keyword recognizer limits")
struct KeywordRecognizerLimitTests {
    @Test
    func grammarEndsAnOverlongUtteranceItself() throws {
        let lexicon = try Lexicon(text: "sales S EY L Z\n", path: "t.dict")
        let r = try KeywordRecognizer(configuration: RecognizerConfiguration(words: ["sales"]), lexicon: lexicon)
        let frame = [Int16](repeating: 0, count: 320)
        let frames = KeywordRecognizer.maxUtteranceSeconds * 50
        for _ in 0..<frames { _ = try r.process(frame) }
        #expect(r.utteranceSamples == frames * 320)
        _ = try r.process(frame)        // a new utterance started after the forced end
        #expect(r.utteranceSamples == 320)
        #expect(try r.endUtterance() == nil)
        #expect(try r.endUtterance() == nil)   // no open utterance: nil
    }
}
