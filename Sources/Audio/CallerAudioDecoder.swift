import Wire

/// The caller's audio path: jitter buffer → Opus decoder (with FEC and concealment) → PCM at
/// `sampleRate`, plus a 16 kHz stream. Decoded at 48 kHz, the 16 kHz stream comes through libsoxr;
/// decoded at 16 kHz (what WhatsApp's offers announce: `maxplaybackrate=16000`), the decoder's
/// output is the 16 kHz stream itself, with no resampling and a cheaper decode. Sans-IO: feed
/// packets with their arrival time, pull frames with the current time, and wake at
/// `nextDeadline()`. Not thread-safe: one per call.
public final class CallerAudioDecoder {
    public private(set) var jitterBuffer: JitterBuffer
    private let decoder: OpusDecoder
    private let downsampler: Resampler?
    private let produce16k: Bool
    /// The rate of each frame's `pcm`: 48,000 or 16,000.
    public let sampleRate: Int
    /// Payloads that failed to decode (each replaced by concealment).
    public private(set) var decodeErrors = 0

    public init(jitter: JitterBufferConfiguration = JitterBufferConfiguration(), produce16k: Bool = true,
                sampleRate: Int = 48_000) throws {
        guard sampleRate == 48_000 || sampleRate == 16_000 else {
            throw AudioError.unsupportedSampleRate(sampleRate)
        }
        jitterBuffer = JitterBuffer(configuration: jitter)
        decoder = try OpusDecoder(sampleRate: Int32(sampleRate))
        self.sampleRate = sampleRate
        self.produce16k = produce16k
        downsampler = produce16k && sampleRate == 48_000 ? try Resampler(from: 48_000, to: 16_000) : nil
    }

    /// Jitter-buffer counters.
    public var stats: JitterBufferStats { jitterBuffer.stats }

    /// Stores one received Opus packet (from `MediaEvent.audio`).
    @discardableResult
    public func insert(payload: [UInt8], rtpTimestamp: UInt32, sequence: UInt16, arrival: Instant,
                       ssrc: UInt32? = nil) -> JitterInsertResult {
        let result = jitterBuffer.insert(sequence: sequence, rtpTimestamp: rtpTimestamp, payload: payload,
                                         arrival: arrival, ssrc: ssrc)
        if result == .bufferedAfterReset {
            decoder.reset()
            downsampler?.reset()
        }
        return result
    }

    /// Every frame whose playout time has come, decoded, in order.
    public func pull(now: Instant) -> [DecodedAudioFrame] {
        var frames: [DecodedAudioFrame] = []
        while let slot = jitterBuffer.pop(now: now) {
            frames.append(decode(slot))
        }
        return frames
    }

    /// When `pull` will next have a frame (nil: nothing buffered, or paused after the caller went quiet).
    public func nextDeadline() -> Instant? {
        jitterBuffer.nextDeadline()
    }

    private func decode(_ slot: JitterOutput) -> DecodedAudioFrame {
        var pcm: [Int16]
        var source: DecodedAudioFrame.Source
        switch slot {
        case let .frame(payload, _, _):
            // An empty payload would make libopus conceal a whole 120 ms: treat it as a bad packet.
            if !payload.isEmpty, let samples = try? decoder.decode(payload), !samples.isEmpty {
                pcm = samples
                source = .decoded
            } else {
                decodeErrors += 1
                pcm = concealment()
                source = .concealed
            }
        case let .recoverFromNext(next, _, _):
            if let samples = try? decoder.conceal(next: next, samples: slotSamples), !samples.isEmpty {
                pcm = samples
                source = .recovered
            } else {
                pcm = concealment()
                source = .concealed
            }
        case .missing:
            pcm = concealment()
            source = .concealed
        }
        // Decoded at 48 kHz the downsampler makes the 16 kHz stream; decoded at 16 kHz it is the PCM itself.
        let low = downsampler.map { (try? $0.process(pcm)) ?? [] } ?? (produce16k ? pcm : [])
        return DecodedAudioFrame(sequence: slot.sequence, rtpTimestamp: slot.rtpTimestamp, source: source,
                                 pcm: pcm, audio16k: low)
    }

    private var slotSamples: Int {
        let ticks = Int(jitterBuffer.frameTicks)
        // Opus decodes in multiples of 2.5 ms (120 samples at 48 kHz); RTP ticks are 48 kHz.
        let samples48 = ticks % 120 == 0 && ticks > 0 && ticks <= 5760 ? ticks : OpusEncoder.frameSamples
        return samples48 * sampleRate / 48_000
    }

    private func concealment() -> [Int16] {
        (try? decoder.conceal(samples: slotSamples)) ?? [Int16](repeating: 0, count: slotSamples)
    }
}
