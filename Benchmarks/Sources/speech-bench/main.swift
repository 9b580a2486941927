import ArgumentParser
import Audio
import Foundation
import Speech

// speech-bench [--rate HZ] [--results DIR] [FILE ...]: real-time factor per stream, streams one
// core sustains, and memory per recognizer, for both recognition modes. Input: raw mono s16le
// files at HZ (default 16000; other rates are resampled to 16 kHz), e.g. the voice-menu test set
// from Tests/SpeechTests/make-testset.sh (48 kHz); without files, 20 s of synthetic noisy audio.
// With --results, adds a "speech" key to DIR/<date>.json and a section to DIR/<date>.md (`make bench`).

func residentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ")[1]) ?? 0
    }
    return 0
}

func loadAudio(_ files: [String], rate: Int) throws -> [[Int16]] {
    if files.isEmpty {
        var seed: UInt32 = 1
        return (0..<20).map { _ in
            (0..<16_000).map { i in
                seed = seed &* 1_664_525 &+ 1_013_904_223
                let noise = Double(Int32(bitPattern: seed) >> 20)
                return Int16(noise + 3000 * sin(Double(i) * 2 * .pi * 220 / 16_000))
            }
        }
    }
    return try files.compactMap { try? Data(contentsOf: URL(fileURLWithPath: $0)) }.map { d in
        let pcm = d.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        guard rate != 16_000 else { return pcm }
        return try Resampler(from: rate, to: 16_000).process(pcm)
    }
}

struct Arguments: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "speech-bench")
    @Option(help: "Sample rate of the input files; other than 16000 they are resampled to 16 kHz.")
    var rate = 16_000
    @Option(help: "Add the figures to <dir>/<date>.json (key speech) and <dir>/<date>.md.")
    var results: String?
    @Argument(help: "Raw mono s16le files; none: 20 s of synthetic noisy audio.")
    var files: [String] = []
}
let parsed = Arguments.parseOrExit()
let inputRate = parsed.rate
let resultsDirectory = parsed.results

let lexicon = try Lexicon.load()
let words = ["sales", "buy", "support", "help", "hours", "open"]
let audio = try loadAudio(parsed.files, rate: inputRate)
let seconds = Double(audio.reduce(0) { $0 + $1.count }) / 16_000
let clock = ContinuousClock()

var report: [[String: Any]] = []
for mode in RecognitionMode.allCases {
    let config = RecognizerConfiguration(words: words, mode: mode)
    let before = residentKiB()
    let t0 = clock.now
    var recognizers: [KeywordRecognizer] = []
    for _ in 0..<10 { recognizers.append(try KeywordRecognizer(configuration: config, lexicon: lexicon)) }
    let initTime = (clock.now - t0) / 10
    let perRecognizer = (residentKiB() - before) / 10
    let r = recognizers[0]
    let start = clock.now
    var matches = 0
    for utterance in audio {
        var i = 0
        while i < utterance.count {
            if try r.process(Array(utterance[i..<min(i + 320, utterance.count)])) != nil { matches += 1 }
            i += 320
        }
        if try r.endUtterance() != nil { matches += 1 }
    }
    let elapsed = clock.now - start
    let cpu = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rtf = cpu / seconds
    let initMs = Double(initTime.components.attoseconds) / 1e15 + Double(initTime.components.seconds) * 1000
    report.append(["mode": mode.rawValue, "audio_seconds": (seconds * 10).rounded() / 10, "rtf": (rtf * 1000).rounded() / 1000,
                   "streams_per_core": Int(1 / rtf), "memory_per_recognizer_kib": perRecognizer,
                   "init_ms": (initMs * 10).rounded() / 10, "matches": matches])
    print("\(mode.rawValue): audio \(String(format: "%.1f", seconds)) s, RTF \(String(format: "%.3f", rtf)), "
        + "streams per core ≈ \(Int(1 / rtf)), memory per recognizer ≈ \(perRecognizer) KiB, "
        + "init \(initTime), matches \(matches)")
}

if let resultsDirectory {
    let stamp = ISO8601DateFormatter().string(from: Date()).prefix(10)
    let dir = URL(fileURLWithPath: resultsDirectory)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let jsonURL = dir.appendingPathComponent("\(stamp).json")
    var doc = (try? JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL))) as? [String: Any] ?? [:]
    doc["speech"] = report
    try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]).write(to: jsonURL)
    let mdURL = dir.appendingPathComponent("\(stamp).md")
    var md = (try? String(contentsOf: mdURL, encoding: .utf8)) ?? ""
    var section = "\n## Speech recognition (`speech-bench`, one recognizer, \(report.first?["audio_seconds"] ?? 0) s of audio)\n\n"
        + "| mode | real-time factor | streams per core | memory per recognizer | build time |\n|---|---:|---:|---:|---:|\n"
    for r in report {
        section += "| \(r["mode"] ?? "") | \(r["rtf"] ?? "") | \(r["streams_per_core"] ?? "") | "
            + "\(r["memory_per_recognizer_kib"] ?? "") KiB | \(r["init_ms"] ?? "") ms |\n"
    }
    // Replace an earlier speech section (up to the next section), else go before the capacity run's.
    if let start = md.range(of: "\n## Speech recognition") {
        let end = md.range(of: "\n## ", range: start.upperBound..<md.endIndex)?.lowerBound ?? md.endIndex
        md.replaceSubrange(start.lowerBound..<end, with: section)
    } else if let capacity = md.range(of: "\n## Capacity: ") {
        md.insert(contentsOf: section, at: capacity.lowerBound)
    } else {
        md += section
    }
    try md.write(to: mdURL, atomically: true, encoding: .utf8)
    print("wrote \(resultsDirectory)/\(stamp).json (key speech) and .md")
}
