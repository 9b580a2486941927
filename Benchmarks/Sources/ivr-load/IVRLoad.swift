import ArgumentParser
import AsyncHTTPClient
import Audio
import DTLS
import Foundation
import Wire

/// Places N concurrent WhatsApp-shaped calls against a server on loopback and measures what the
/// issue asks: webhook → pre_accept, connect → first audio, the server's CPU per call-second and
/// RSS per call (from /proc), the send-interval error and loss the callers see, and failures.
/// Writes one JSON object (see `LoadReport`).
@main
struct IVRLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivr-load", abstract: "Load generator: N concurrent WhatsApp-shaped calls against a server.")

    @Option(help: "The server's webhook URL.") var webhook = "http://127.0.0.1:8080/webhook"
    @Option(help: "App secret the webhooks are signed with.") var secret = "bench-secret"
    @Option(help: "Port of our Graph API stand-in (the server's IVR_GRAPH_URL).") var graphPort = 18_900
    @Option(help: "Concurrent calls.") var calls = 10
    @Option(help: "New calls per second while ramping up.") var rate = 50.0
    @Option(help: "The server's pid, for CPU and RSS from /proc.") var serverPid: Int32
    @Option(help: "Caller media address.") var mediaIp = "127.0.0.1"
    @Option(help: "Caller UDP ports, LOW-HIGH.") var ports = "40000-49999"
    @Option(help: "Seconds after media connects before the key press.") var pressAfter = 8.0
    @Option(help: "Hang up ourselves this many seconds after connecting (servers without a flow).") var hangUpAfter: Double?
    @Option(help: "Longest call, in seconds, before it counts as failed.") var maxCall = 90.0
    @Option(help: "Label of the server in the report.") var label = "ivrd"
    @Option(help: "Write the JSON report here (default: stdout).") var out: String?

    func run() async throws {
        let range = ports.split(separator: "-").compactMap { Int($0) }
        guard range.count == 2, range[0] <= range[1] else { throw ValidationError("--ports must be LOW-HIGH") }
        let clock = SystemMonotonicClock()
        let graph = try await LoadGraph.start(port: graphPort, clock: clock)
        var httpConfig = HTTPClient.Configuration()
        httpConfig.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfig)
        let certificate = try DTLSCertificate(commonName: "wa-load")
        let voice = try Self.backgroundNoise()
        let plan = CallPlan(webhookURL: webhook, secret: secret, mediaIP: mediaIp, ports: range[0]...range[1],
                            pressAfter: .milliseconds(Int(pressAfter * 1000)),
                            hangUpAfter: hangUpAfter.map { .milliseconds(Int($0 * 1000)) },
                            maxCall: .milliseconds(Int(maxCall * 1000)))
        let live = LiveCount()

        guard let before = ProcSampler.sample(pid: serverPid) else { throw ValidationError("no process \(serverPid)") }
        let selfBefore = ProcSampler.sample(pid: getpid())
        let sampler = Task { () -> [ProcSample] in
            var samples: [ProcSample] = []
            while !Task.isCancelled {
                if var s = ProcSampler.sample(pid: serverPid) {
                    s.at = Double(clock.now().nanoseconds) / 1e9
                    s.live = live.current
                    samples.append(s)
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
            return samples
        }
        let started = clock.now()
        let results = await withTaskGroup(of: CallResult.self) { group in
            for i in 0..<calls {
                let due = started + .milliseconds(Int(Double(i) / rate * 1000))
                let wait = due - clock.now()
                if wait > .zero { try? await Task.sleep(for: wait) }
                let call = LoadCall(index: i, plan: plan, graph: graph, http: http, certificate: certificate,
                                    voice: voice, clock: clock, live: live)
                group.addTask { await call.run() }
            }
            var all: [CallResult] = []
            for await r in group { all.append(r) }
            return all
        }
        let wall = (clock.now() - started).seconds
        sampler.cancel()
        let samples = await sampler.value
        let after = ProcSampler.sample(pid: serverPid)
        let selfAfter = ProcSampler.sample(pid: getpid())
        try await http.shutdown()
        await graph.stop()

        let report = LoadReport(label: label, calls: calls, rate: rate, wallSeconds: wall, results: results,
                                before: before, after: after ?? samples.last ?? before, samples: samples,
                                peakLive: live.peak,
                                loadgenCPUSeconds: (selfAfter?.cpuSeconds ?? 0) - (selfBefore?.cpuSeconds ?? 0),
                                unmatchedGraphRequests: graph.unmatchedRequests)
        let data = try JSONSerialization.data(withJSONObject: report.json, options: [.prettyPrinted, .sortedKeys])
        if let out {
            try data.write(to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
        FileHandle.standardError.write(Data((report.summary + "\n").utf8))
    }

    /// One second of quiet background noise (about −50 dBFS) as 20 ms Opus frames at 24 kbit/s: what a
    /// caller's microphone sends while they listen. It keeps the server's decoder busy without
    /// looking like speech.
    static func backgroundNoise() throws -> [[UInt8]] {
        var settings = OpusEncoderSettings()
        settings.maxPlaybackRate = 16_000
        let encoder = try OpusEncoder(settings: settings)
        var generator = SystemRandomNumberGenerator()
        return try (0..<50).map { _ in
            try encoder.encode((0..<960).map { _ in Int16.random(in: -180...180, using: &generator) })
        }
    }
}
