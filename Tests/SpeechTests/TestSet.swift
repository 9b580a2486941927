import Audio
import Foundation

/// One utterance of the generated test set, as the recognizer would hear it: 16 kHz mono after an
/// Opus round trip at 24 kbit/s.
struct Utterance: Sendable {
    var name: String
    /// The example-flow keyword it says, or nil for a non-keyword utterance.
    var keyword: String?
    var text: String
    var samples16k: [Int16]
    /// The 48 kHz audio before Opus, kept for keywords only (the barge-in test mixes our prompt's
    /// echo into it, before Opus as the caller's phone would); empty otherwise.
    var pcm48: [Int16] = []
    /// The manifest's description: engine (espeak, flite, piper), voice, speed (normal, fast),
    /// condition (clean, snr20, snr10), kind (keyword, carrier, other, cough, noise).
    var engine = "", voice = "", speed = "", condition = "", kind = ""

    init(name: String, keyword: String?, text: String, samples16k: [Int16], fields: [String]) {
        self.name = name
        self.keyword = keyword
        self.text = text
        self.samples16k = samples16k
        if fields.count >= 8 {
            (engine, voice, speed, condition, kind) = (fields[3], fields[4], fields[5], fields[6], fields[7])
        }
    }
}

/// The example flows' menus and their `say:` keywords (Flows/main.yaml, Flows/appointment.yaml),
/// grouped by option: two words of one option reach the same step.
let exampleMenus: [(name: String, options: [[String]])] = [
    ("main.menu", [["sales", "buy"], ["support", "help"], ["hours", "open"]]),
    ("appointment.confirm", [["confirm", "yes"], ["cancel", "no"]]),
]

enum TestSet {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// `SPEECH_SET=full` (make bench): both speeds; otherwise the normal speed (make test).
    static let isFull = ProcessInfo.processInfo.environment["SPEECH_SET"] == "full"

    /// The set for this run, generated once per test process and shared by the suites that use it.
    static func shared() async throws -> [Utterance] { try await generation.value }
    private static let generation = Task { try generate(speeds: isFull ? ["normal", "fast"] : ["normal"]) }

    /// Runs make-testset.sh into a fresh temporary directory and loads every utterance.
    /// `speeds` limits the set (make test runs the normal speed; make bench both).
    static func generate(speeds: [String] = ["normal", "fast"]) throws -> [Utterance] {
        if let keep = ProcessInfo.processInfo.environment["SPEECH_TESTSET_KEEP"],
           let manifest = try? String(contentsOfFile: keep + "/manifest.tsv", encoding: .utf8) {
            return try manifest.split(separator: "\n").compactMap { line -> Utterance? in
                let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 8, speeds.contains(f[5]) else { return nil }
                let data = try Data(contentsOf: URL(fileURLWithPath: keep + "/" + f[0] + ".16k"))
                var u = Utterance(name: f[0], keyword: f[1] == "-" ? nil : f[1], text: f[2],
                                  samples16k: data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }, fields: f)
                if let raw = try? Data(contentsOf: URL(fileURLWithPath: keep + "/" + f[0] + ".48k")) {
                    u.pcm48 = raw.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
                }
                return u
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("speech-testset-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [testsDirectory.appendingPathComponent("make-testset.sh").path, dir.path]
        var environment = ProcessInfo.processInfo.environment
        environment["SPEECH_SPEEDS"] = speeds.joined(separator: " ")
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSetError.script(status: process.terminationStatus) }
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        var out: [Utterance] = []
        for line in manifest.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8 else { throw TestSetError.manifest(line: String(line)) }
            let data = try Data(contentsOf: dir.appendingPathComponent(f[0]))
            let pcm48 = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
            let decoded = try opusRoundTrip(pcm48)
            var u = Utterance(name: f[0], keyword: f[1] == "-" ? nil : f[1], text: f[2],
                              samples16k: Decimator.by3(decoded), fields: f)
            if u.keyword != nil { u.pcm48 = pcm48 }
            out.append(u)
            if let keep = ProcessInfo.processInfo.environment["SPEECH_TESTSET_KEEP"] {
                // Debugging aid: keep the 16 kHz audio the recognizer heard.
                try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
                let bytes = u.samples16k.withUnsafeBytes { Data($0) }
                try? bytes.write(to: URL(fileURLWithPath: keep).appendingPathComponent(f[0] + ".16k"))
                if !u.pcm48.isEmpty {
                    try? u.pcm48.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: keep).appendingPathComponent(f[0] + ".48k"))
                }
            }
        }
        if let keep = ProcessInfo.processInfo.environment["SPEECH_TESTSET_KEEP"] {
            try? FileManager.default.copyItem(atPath: dir.path + "/manifest.tsv", toPath: keep + "/manifest.tsv")
        }
        return out
    }

    /// Encodes 48 kHz mono in 20 ms Opus frames at 24 kbit/s and decodes them again.
    static func opusRoundTrip(_ pcm: [Int16]) throws -> [Int16] {
        var settings = OpusEncoderSettings()
        settings.bitrate = 24_000
        let encoder = try OpusEncoder(settings: settings)
        let decoder = try OpusDecoder()
        var out: [Int16] = []
        var i = 0
        while i < pcm.count {
            var frame = Array(pcm[i..<min(i + OpusEncoder.frameSamples, pcm.count)])
            if frame.count < OpusEncoder.frameSamples {
                frame += [Int16](repeating: 0, count: OpusEncoder.frameSamples - frame.count)
            }
            out += try decoder.decode(try encoder.encode(frame))
            i += OpusEncoder.frameSamples
        }
        return out
    }
}

enum TestSetError: Error {
    case script(status: Int32)
    case manifest(line: String)
}

/// 48 kHz → 16 kHz: a windowed-sinc low-pass at 7.2 kHz, then every third sample.
enum Decimator {
    static let taps: [Double] = {
        let n = 63, cutoff = 7_200.0 / 48_000.0
        var h = (0..<n).map { i -> Double in
            let m = Double(i - n / 2)
            let sinc = m == 0 ? 2 * cutoff : sin(2 * .pi * cutoff * m) / (.pi * m)
            let window = 0.54 - 0.46 * cos(2 * .pi * Double(i) / Double(n - 1))
            return sinc * window
        }
        let sum = h.reduce(0, +)
        h = h.map { $0 / sum }
        return h
    }()

    static func by3(_ x: [Int16]) -> [Int16] {
        let half = taps.count / 2
        let count = x.count
        var out = [Int16](repeating: 0, count: (count + 2) / 3)
        taps.withUnsafeBufferPointer { h in
            x.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    var o = 0, i = 0
                    while i < count {
                        var acc = 0.0
                        let lo = max(0, half - i), hi = min(h.count, count - i + half)
                        var k = lo
                        while k < hi { acc += h[k] * Double(input[i + k - half]); k += 1 }
                        output[o] = Int16(max(-32768, min(32767, acc.rounded())))
                        o += 1
                        i += 3
                    }
                }
            }
        }
        return out
    }
}
