import Audio
import DTMF
import Media
import Testing
import Wire

/// A caller on a manual clock, driving one `CallerAudioPipeline` as the media socket does: the
/// caller's 20 ms Opus frames (real Opus) and RFC 4733 packets are handed over in batches every
/// 60 ms, and the pipeline's deadlines are served in between. Outputs are collected in order.
final class CallerHarness {
    enum Packet {
        case audio(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16)
        case event(TelephoneEventPacket)
    }

    static let frame: Duration = .milliseconds(20)
    static let batch: Duration = .milliseconds(60)

    let pipeline: CallerAudioPipeline
    /// When the caller's first frame starts.
    let start = Instant(nanoseconds: 5_000_000_000)
    private(set) var now: Instant
    private(set) var outputs: [CallerAudioOutput] = []
    /// Each output with the time it came out.
    private(set) var stamped: [(at: Instant, output: CallerAudioOutput)] = []
    /// Every Opus payload the caller sent, in order (for a reference decode).
    private(set) var payloads: [[UInt8]] = []
    /// Deadlines served (each a `handleTimeout`).
    private(set) var timeouts = 0
    private let encoder: OpusEncoder
    private var scheduled: [(ready: Instant, packet: Packet)] = []
    private var framesQueued = 0
    private var sequence: UInt16 = 40_000
    private var eventSequence: UInt16 = 7
    private var eventTimestamp: UInt32 = 1_234_560
    private var nextTick: Instant

    init(pipeline: CallerAudioPipeline? = nil) throws {
        self.pipeline = try pipeline ?? CallerAudioPipeline()
        encoder = try OpusEncoder()
        now = start
        nextTick = start + Self.batch
    }

    /// When the caller's audio queued so far ends (the next `say` starts here).
    var audioEnd: Instant { start + Self.frame * framesQueued }

    /// Queues 48 kHz audio from `audioEnd` on, as 20 ms Opus frames (the last one padded with silence).
    func say(_ pcm: [Int16]) throws {
        var samples = pcm
        samples += [Int16](repeating: 0, count: (960 - samples.count % 960) % 960)
        for offset in stride(from: 0, to: samples.count, by: 960) {
            let payload = try encoder.encode(Array(samples[offset..<(offset + 960)]))
            payloads.append(payload)
            let timestamp = UInt32(truncatingIfNeeded: 96_000 + framesQueued * 960)
            framesQueued += 1
            schedule(.audio(payload: payload, rtpTimestamp: timestamp, sequence: sequence), ready: audioEnd)
            sequence &+= 1
        }
    }

    /// The caller's packets stop for `duration` (the RTP clock runs on).
    func pause(_ duration: Duration) {
        framesQueued += Int(duration.totalNanoseconds / Self.frame.totalNanoseconds)
    }

    /// Queues an RFC 4733 press of `digit` from `at` on (the packets a phone sends, end sent thrice).
    func press(_ digit: Character, at: Instant, for duration: Duration) throws {
        let packets = try TelephoneEventSender().packets(
            digit: digit, duration: duration, rtpTimestamp: eventTimestamp, firstSequence: eventSequence, start: at)
        eventTimestamp &+= 48_000  // one timestamp per press
        eventSequence &+= UInt16(truncatingIfNeeded: packets.count)
        for packet in packets { schedule(.event(packet), ready: packet.sendTime) }
    }

    /// Runs the clock to `end`: batches handed over every 60 ms, deadlines served in between.
    func run(until end: Instant) throws {
        while nextTick <= end {
            serveDeadlines(before: nextTick)
            now = nextTick
            while let first = scheduled.first, first.ready <= now {
                scheduled.removeFirst()
                try deliver(first.packet)
            }
            drain()
            nextTick = nextTick + Self.batch
        }
        serveDeadlines(before: end + .nanoseconds(1))
        now = max(now, end)
    }

    /// Runs the clock for `duration` more.
    func run(for duration: Duration) throws {
        try run(until: now + duration)
    }

    /// Every digit output, in order.
    var digits: [CallerAudioOutput] {
        outputs.filter { if case .digit = $0 { return true } else { return false } }
    }

    /// The samples of every `recordingFrames` output, joined.
    var recorded: [Int16] {
        outputs.flatMap { output -> [Int16] in
            if case let .recordingFrames(pcm) = output { return pcm }
            return []
        }
    }

    /// The `recordingFinished` outputs.
    var recordingEnds: [(seconds: Double, reason: RecordingEndReason)] {
        outputs.compactMap { output in
            if case let .recordingFinished(seconds, reason) = output { return (seconds, reason) }
            return nil
        }
    }

    /// The caller's frames decoded in order at 16 kHz, as the pipeline decodes them when nothing is lost.
    func referenceDecode() throws -> [Int16] {
        let decoder = try OpusDecoder(sampleRate: 16_000)
        return try payloads.flatMap { try decoder.decode($0) }
    }

    private func schedule(_ packet: Packet, ready: Instant) {
        let index = scheduled.firstIndex { $0.ready > ready } ?? scheduled.endIndex
        scheduled.insert((ready, packet), at: index)
    }

    private func deliver(_ packet: Packet) throws {
        switch packet {
        case let .audio(payload, timestamp, sequence):
            pipeline.handleAudio(payload: payload, rtpTimestamp: timestamp, sequence: sequence, now: now)
        case let .event(p):
            try pipeline.handleTelephoneEvent(payload: p.payload, rtpTimestamp: p.rtpTimestamp, sequence: p.sequence,
                                              marker: p.marker, now: now)
        }
    }

    private func serveDeadlines(before limit: Instant) {
        var served = 0
        while let deadline = pipeline.nextDeadline(), deadline < limit {
            now = max(now, deadline)
            pipeline.handleTimeout(now: now)
            drain()
            timeouts += 1
            served += 1
            if served > 1000 {
                Issue.record("the pipeline's deadline \(deadline) does not move on after handleTimeout")
                return
            }
        }
    }

    private func drain() {
        while let output = pipeline.pollOutput() {
            outputs.append(output)
            stamped.append((now, output))
        }
    }
}

/// Test audio at 48 kHz, built from Audio's `ToneGenerator`.
enum CallerSignals {
    static func silence(_ duration: Duration) -> [Int16] {
        [Int16](repeating: 0, count: samples(duration))
    }

    /// The dual tone of `digit`, each tone at amplitude 0.25 (-12 dBFS).
    static func dtmf(_ digit: Character, _ duration: Duration) -> [Int16] {
        guard let (row, column) = DTMFTones.frequencies(of: digit) else { return [] }
        var low = ToneGenerator(frequency: row, amplitude: 0.25)
        var high = ToneGenerator(frequency: column, amplitude: 0.25)
        let count = samples(duration)
        return zip(low.nextFrame(samples: count), high.nextFrame(samples: count)).map { $0 &+ $1 }
    }

    /// A vowel-like voice: harmonics of 174 Hz shaped by two formants, in 200 ms syllables with
    /// 50 ms dips between them (so a noise floor never mistakes it for background).
    static func voice(_ duration: Duration) -> [Int16] {
        let count = samples(duration)
        var mix = [Double](repeating: 0, count: count)
        let f0 = 174.25
        var k = 1.0
        while k * f0 < 4000 {
            let f = k * f0
            let gain = [700.0, 1220.0].reduce(0.05) { $0 + 1 / (1 + ((f - $1) / 90) * ((f - $1) / 90)) } / k.squareRoot()
            var tone = ToneGenerator(frequency: f, amplitude: 0.5)
            for (i, sample) in tone.nextFrame(samples: count).enumerated() { mix[i] += gain * Double(sample) }
            k += 1
        }
        let peak = mix.map(abs).max() ?? 1
        let scale = 0.18 * 32767 / max(peak, 1)
        return mix.enumerated().map { i, value in
            let inSyllable = i % samples(.milliseconds(250)) < samples(.milliseconds(200))
            return Int16(clamping: Int((value * scale * (inSyllable ? 1 : 0.05)).rounded()))
        }
    }

    static func samples(_ duration: Duration) -> Int {
        Int(duration.totalNanoseconds / 1_000_000_000 * 48_000 + duration.totalNanoseconds % 1_000_000_000 * 48 / 1_000_000)
    }
}
