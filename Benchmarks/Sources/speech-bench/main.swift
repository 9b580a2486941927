import Foundation
import Speech

// speech-bench [FILE.16k ...]: real-time factor per stream, streams one core sustains, and memory
// per recognizer, for both recognition modes. Input: raw 16 kHz mono s16le files (e.g. the test
// set kept with SPEECH_TESTSET_KEEP); without files, 20 s of synthetic noisy audio.

func residentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ")[1]) ?? 0
    }
    return 0
}

func loadAudio(_ files: [String]) -> [[Int16]] {
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
    return files.compactMap { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
        .map { d in d.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) } }
}

let lexicon = try Lexicon.load()
let words = ["sales", "buy", "support", "help", "hours", "open"]
let audio = loadAudio(Array(CommandLine.arguments.dropFirst()))
let seconds = Double(audio.reduce(0) { $0 + $1.count }) / 16_000
let clock = ContinuousClock()

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
    print("\(mode.rawValue): audio \(String(format: "%.1f", seconds)) s, RTF \(String(format: "%.3f", rtf)), "
        + "streams per core ≈ \(Int(1 / rtf)), memory per recognizer ≈ \(perRecognizer) KiB, "
        + "init \(initTime), matches \(matches)")
}
