import ArgumentParser
import Audio
import Flow
import Foundation
import Synthesis

/// `ivrd prompts render Flows/`: renders every static `say:` text of the flows and reports each one's duration.
struct Prompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with prompts.", subcommands: [Render.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render every static say: text of the flows once (text-to-speech, then Opus) and report durations.")

        @Argument(help: "A flow file or a folder of flows.") var path: String = "Flows"
        @Option(help: "Folder of prompt files (default: IVR_PROMPTS or Prompts).") var prompts: String?
        @Option(help: "Also write each rendered text as a WAV file (at the engine's rate) into this folder, named <flow>-<step>-<language>.wav.")
        var out: String?

        func run() throws {
            let promptsDir = prompts ?? ProcessInfo.processInfo.environment["IVR_PROMPTS"] ?? "Prompts"
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let (flows, diagnostics): ([Flow], [Diagnostic])
            if isDirectory.boolValue {
                (flows, diagnostics) = FlowLoader.loadDirectory(path, promptsDirectory: promptsDir)
            } else {
                let (flow, d) = FlowLoader.load(path: path, promptsDirectory: promptsDir)
                (flows, diagnostics) = (flow.map { [$0] } ?? [], d)
            }
            for d in diagnostics where d.severity == .error { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
            let cache = SpokenPromptCache(renderer: SpeechSynthesizer.shared)
            // WhatsApp's offers: wideband (maxplaybackrate 16000) at up to 20 kbit/s.
            let settings = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000", "maxaveragebitrate": "20000"])
            let clock = ContinuousClock()
            var failures = 0
            var total = Duration.zero
            var count = 0
            for flow in flows {
                for s in flow.staticSpeech {
                    let start = clock.now
                    do {
                        let prompt = try cache.encoded(text: s.text, voice: s.voice, language: s.language, settings: settings)
                        let took = clock.now - start
                        total += took
                        count += 1
                        if let out { try write(s, flow: flow.name, into: out) }
                        print("\(flow.file):\(s.line): step '\(s.step)': \(s.voice) [\(s.language)] \(format(prompt.duration)) of speech, rendered in \(format(took)): \"\(s.text)\"")
                    } catch {
                        failures += 1
                        print("\(flow.file):\(s.line): step '\(s.step)': \(error)")
                    }
                }
            }
            print("\(count) text(s) rendered in \(format(total)), \(failures) failure(s), cache hits \(cache.hits), misses \(cache.misses)")
            if failures > 0 || diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
        }

        /// The text as the engine speaks it, before Opus: what a caller should hear.
        private func write(_ s: Flow.StaticSpeech, flow: String, into folder: String) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let (samples, rate) = try SpeechSynthesizer.shared.render(text: s.text, voice: s.voice, language: s.language)
            let writer = try WAVWriter(path: "\(folder)/\(flow)-\(s.step)-\(s.language).wav", sampleRate: Int32(clamping: rate))
            try writer.write(samples)
            try writer.close()
        }

        private func format(_ d: Duration) -> String {
            let (s, atto) = d.components
            return String(format: "%.1f ms", Double(s) * 1000 + Double(atto) / 1e15)
        }
    }
}
