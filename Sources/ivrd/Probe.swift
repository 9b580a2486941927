import ArgumentParser
import Audio
import Foundation
import IVRApp
import Logging
import Media
import MediaTransport

/// `ivrd probe`: answers a WebRTC offer from a file with the server's own media stack and
/// exchanges test audio — a check that media works from this host, and the interop tests' driver.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer an SDP offer from a file, send a test tone, and record what arrives.",
        discussion: """
            Writes the SDP answer to --answer, waits for ICE and DTLS, sends a tone for --seconds \
            while decoding the peer's Opus audio into --record (WAV, 48 kHz mono), then closes. \
            Exits 1 with the precise reason when media fails.
            """
    )

    @Option(help: "File holding the remote SDP offer.") var offer: String
    @Option(help: "File to write our SDP answer to.") var answer: String
    @Option(help: "Address to bind and advertise (default: IVR_MEDIA_IP or 127.0.0.1).") var mediaIP: String?
    @Option(help: "Shared UDP media ports, e.g. 40000-40003 (default: IVR_MEDIA_PORTS or 40000-40003).") var ports: String?
    @Option(help: "Tone frequency in Hz.") var tone: Double = 440
    @Option(help: "Seconds of tone to send after connecting.") var seconds: Double = 3
    @Option(help: "WAV file for the decoded remote audio.") var record: String?
    @Option(help: "Seconds allowed for ICE and DTLS.") var connectTimeout: Int = 15

    func validate() throws {
        guard seconds.isFinite, (0...3600).contains(seconds) else {
            throw ValidationError("--seconds: expected 0–3600, got \(seconds)")
        }
        guard tone.isFinite, (20...20_000).contains(tone) else {
            throw ValidationError("--tone: expected a frequency 20–20000 Hz, got \(tone)")
        }
        guard (1...300).contains(connectTimeout) else {
            throw ValidationError("--connect-timeout: expected 1–300 seconds, got \(connectTimeout)")
        }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let ip = mediaIP ?? env["IVR_MEDIA_IP"] ?? "127.0.0.1"
        guard let range = ConfigLoader.parsePorts(ports ?? env["IVR_MEDIA_PORTS"] ?? "40000-40003") else {
            throw ValidationError("--ports: expected a range like 40000-40999")
        }
        let offerText = try String(contentsOfFile: offer, encoding: .utf8)
        var config = MediaEngine.Config(ip: ip, ports: range)
        config.session.connectTimeout = .seconds(connectTimeout)
        let engine = try MediaEngine(config: config)
        let logger = Logger(label: "ivrd.probe")
        let media: any CallMediaChannel
        do {
            media = try await engine.answer(offer: offerText, callID: "probe", logger: logger)
        } catch {
            FileHandle.standardError.write(Data("cannot answer the offer: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let tmp = answer + ".tmp"
        try media.answerSDP.write(toFile: tmp, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(atPath: tmp, toPath: answer)

        let writer = try record.map { try WAVWriter(path: $0) }
        let decoder = try OpusDecoder()
        var received = 0
        for await event in media.events {
            switch event {
            case let .connected(remote, profile):
                print("connected \(remote) \(profile)")
                var generator = ToneGenerator(frequency: tone)
                let encoder = try OpusEncoder()
                let frames = try (0..<Int(seconds * 50)).map { _ in try encoder.encode(generator.nextFrame()) }
                media.play(frames: frames, tag: nil)
                let total = seconds + 0.5
                Task {
                    try? await Task.sleep(for: .milliseconds(Int(total * 1000)))
                    let c = await media.counters()
                    let p = c.pacing
                    print("sent \(c.rtpSent) RTP packets (\(c.silenceFramesSent) silence), \(c.rtcpSent) RTCP; dropped \(c.dropped)")
                    print(String(format: "pacer lateness: p50 ≤ %.2f ms, p99 ≤ %.2f ms, max %.2f ms over %d frames",
                                 Double(p.quantileMicros(0.5)) / 1000, Double(p.quantileMicros(0.99)) / 1000,
                                 Double(p.maxMicros) / 1000, p.count))
                    await media.close(reason: .local(.finished))
                }
            case let .audio(payload, _, _, _):
                received += 1
                if let writer, let pcm = try? decoder.decode(payload) { try writer.write(pcm) }
            case .telephoneEvent, .remoteBye, .playbackFinished:
                continue
            case let .closed(reason):
                try writer?.close()
                print("received \(received) audio packets")
                guard reason == .local(.finished) else {
                    FileHandle.standardError.write(Data("media failed: \(reason)\n".utf8))
                    throw ExitCode.failure
                }
                return
            }
        }
    }
}
