import ArgumentParser
import Flow
import Foundation
import IVRApp
import Logging
import Store

/// `ivrd validate PATH…`: every problem as `file:line: step 'name': …`; exit 1 on errors.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check flow files (or folders of them) and report every problem with its file and line.")

    @Argument(help: "Flow files or folders (default: the flows folder, IVR_FLOWS or Flows).")
    var paths: [String] = []

    @Option(help: "Folder of prompt files (default: IVR_PROMPTS or Prompts).")
    var prompts: String?

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let promptsDir = prompts ?? env["IVR_PROMPTS"] ?? "Prompts"
        let targets = paths.isEmpty ? [env["IVR_FLOWS"] ?? "Flows"] : paths
        var diagnostics: [Diagnostic] = []
        var flows = 0
        var quiet = Logger(label: "ivrd.validate")
        quiet.logLevel = .critical
        // Menu keywords are checked against the speech dictionary when one is installed.
        let speech = SpeechRuntime.load(modelPath: env["IVR_SPEECH_MODEL"], dictionaryPath: env["IVR_SPEECH_DICTIONARY"],
                                        logger: quiet)
        for path in targets {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                diagnostics.append(Diagnostic(severity: .error, file: path, line: 1, message: "no such file or folder"))
                continue
            }
            if isDir.boolValue {
                let result = FlowLoader.loadDirectory(path, promptsDirectory: promptsDir)
                let extra = result.flows.flatMap { speech?.diagnostics(for: $0) ?? [] }
                flows += result.flows.count - Set(extra.map(\.file)).count
                diagnostics += result.diagnostics + extra
            } else {
                let result = FlowLoader.load(path: path, promptsDirectory: promptsDir)
                let extra = result.flow.map { speech?.diagnostics(for: $0) ?? [] } ?? []
                if result.flow != nil, extra.isEmpty { flows += 1 }
                diagnostics += result.diagnostics + extra
            }
        }
        for d in diagnostics { print(d.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        print("\(flows) valid flow(s), \(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode(1) }
    }
}

/// `ivrd simulate FLOW --input 1 --input say:sales --input wait:6s --http FIXTURE`.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a flow without a phone: scripted keys, words and waits; prints the transcript, outcome and follow-up.",
        discussion: """
            Inputs, in order: keys (1, 1234#, digits:12), say:WORD[@CONFIDENCE], wait:DURATION (6s, 500ms), hangup.
            --http names a JSON file mapping "METHOD URL" (or URL) to {"status": 200, "body": {...}} or {"failure": "…"}.
            """)

    @Argument(help: "The flow file.") var flow: String
    @Option(name: .customLong("input"), help: "A caller input (repeat the option).") var inputs: [String] = []
    @Option(help: "HTTP fixtures file for the flow's http steps.") var http: String?
    @Option(help: "Folder of prompt files (default: IVR_PROMPTS or Prompts).") var prompts: String?
    @Option(help: "The caller's number.") var from = "15550001234"
    @Option(help: "A call-button payload (cta_payload) the call arrives with.") var ctaPayload: String?
    @Option(help: "When the call starts, with its UTC offset (2026-12-24T18:00+01:00); default now. Drives hours steps.")
    var at: String?

    func run() throws {
        let promptsDir = prompts ?? ProcessInfo.processInfo.environment["IVR_PROMPTS"] ?? "Prompts"
        let (loaded, diagnostics) = FlowLoader.load(path: flow, promptsDirectory: promptsDir)
        for d in diagnostics { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
        guard let loaded else { throw ExitCode(1) }
        var parsed: [SimulatorInput] = []
        for text in inputs {
            do { parsed.append(try SimulatorInput.parse(text)) } catch {
                throw ValidationError("--input \(text): \(error)")
            }
        }
        var fixtures = HTTPFixtures()
        if let http {
            do { fixtures = try HTTPFixtures.load(path: http) } catch { throw ValidationError("--http: \(error)") }
        }
        var startedAt = Date()
        if let at {
            do { startedAt = try SimulatedMoment.parse(at) } catch { throw ValidationError("--at: \(error)") }
        }
        let call = CallInfo(callID: "wacid.SIMULATED", from: from, phoneNumberID: loaded.numbers.first ?? "0",
                            ctaPayload: ctaPayload, startedAt: startedAt)
        let result = FlowSimulator(flow: loaded, call: call, fixtures: fixtures).run(parsed)
        print(result.transcript)
    }
}

/// `ivrd graph FLOW --format mermaid|dot|svg [--stats 7d]`.
struct Graph: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case mermaid, dot, svg }

    static let configuration = CommandConfiguration(
        abstract: "Draw a flow's steps and edges (labelled with keys, keywords and conditions) as Mermaid, Graphviz dot or SVG.",
        discussion: """
            --stats SINCE draws the per-step funnel of the calls that ran this version of the flow since then \
            (7d, 24h, or an ISO date): how many reached each step, ended there and how, and took each edge. \
            It reads the database (--db, IVR_DB, or storage.db of --config). svg needs Graphviz (apt-get install graphviz).
            """)

    @Argument(help: "The flow file.") var flow: String
    @Option(help: "mermaid, dot or svg.") var format: Format = .mermaid
    @Option(help: "Folder of prompt files (default: IVR_PROMPTS or Prompts).") var prompts: String?
    @Option(help: "Draw the funnel of calls since: 7d, 24h, or an ISO date (dot and svg only).") var stats: String?
    @Flag(help: "With --stats: count calls of every version of the flow, not only this file's.") var allVersions = false
    @OptionGroup var database: Calls.Database

    func run() async throws {
        let promptsDir = prompts ?? ProcessInfo.processInfo.environment["IVR_PROMPTS"] ?? "Prompts"
        let (loaded, diagnostics) = FlowLoader.load(path: flow, promptsDirectory: promptsDir)
        for d in diagnostics { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
        guard let loaded else { throw ExitCode(1) }
        var overlay = FlowGraphOverlay()
        if let stats {
            guard format != .mermaid else { throw ValidationError("--stats draws on dot or svg: add --format svg") }
            guard let since = CallsReport.parseSince(stats, now: Date()) else {
                throw ValidationError("--stats: expected e.g. 24h, 7d or an ISO date, got '\(stats)'")
            }
            let store = try database.open()
            let funnel = try await store.funnel(flow: loaded.name, version: allVersions ? nil : loaded.versionHash,
                                                since: since)
            overlay = FunnelOverlay.make(funnel)
            FileHandle.standardError.write(Data("\(funnel.calls) call(s) of \(loaded.name) since \(stats)\n".utf8))
        }
        switch format {
        case .mermaid: print(FlowGraph.mermaid(loaded))
        case .dot: print(stats == nil ? FlowGraph.dot(loaded) : FlowGraph.dot(loaded, overlay: overlay))
        case .svg:
            do {
                print(try await GraphvizRenderer().svg(FlowGraph.dot(loaded, overlay: overlay)))
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }
}
