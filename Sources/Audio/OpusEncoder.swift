import COpus

/// Settings for encoding prompts and tones, taken from the remote's fmtp where it says so.
public struct OpusEncoderSettings: Sendable, Hashable {
    /// Target bitrate (fmtp `maxaveragebitrate` caps it). Default 24 kbit/s: wideband speech.
    public var bitrate: Int32 = 24_000
    /// In-band FEC (fmtp `useinbandfec=1`).
    public var inbandFEC = true
    /// Expected loss, which FEC is tuned for.
    public var packetLossPercent: Int32 = 5
    /// Bandwidth cap from fmtp `maxplaybackrate` (16000 → wideband).
    public var maxPlaybackRate: Int32 = 48_000
    public var complexity: Int32 = 5

    public init() {}

    /// Applies `maxaveragebitrate`, `maxplaybackrate` and `useinbandfec` from an fmtp parameter map.
    public init(fmtp: [String: String]) {
        self.init()
        if let v = fmtp["maxaveragebitrate"].flatMap(Int32.init), v >= 6000 { bitrate = min(bitrate, v) }
        if let v = fmtp["maxplaybackrate"].flatMap(Int32.init), v > 0 { maxPlaybackRate = v }
        if let v = fmtp["useinbandfec"] { inbandFEC = v == "1" }
    }

    var bandwidth: Int32 {
        switch maxPlaybackRate {
        case ..<8001: return OPUS_BANDWIDTH_NARROWBAND
        case ..<12001: return OPUS_BANDWIDTH_MEDIUMBAND
        case ..<16001: return OPUS_BANDWIDTH_WIDEBAND
        case ..<24001: return OPUS_BANDWIDTH_SUPERWIDEBAND
        default: return OPUS_BANDWIDTH_FULLBAND
        }
    }
}

/// A mono 48 kHz Opus encoder (VOIP application), 20 ms frames.
public final class OpusEncoder {
    public static let sampleRate: Int32 = 48_000
    public static let frameSamples = 960
    private let state: OpaquePointer

    public init(settings: OpusEncoderSettings = OpusEncoderSettings()) throws {
        var err: Int32 = 0
        guard let s = opus_encoder_create(Self.sampleRate, 1, OPUS_APPLICATION_VOIP, &err), err == OPUS_OK else {
            throw AudioError.opus(operation: "encoder_create", code: err, message: String(cString: opus_strerror(err)))
        }
        state = s
        _ = copus_encoder_set_bitrate(s, settings.bitrate)
        _ = copus_encoder_set_inband_fec(s, settings.inbandFEC ? 1 : 0)
        _ = copus_encoder_set_packet_loss_perc(s, settings.packetLossPercent)
        _ = copus_encoder_set_max_bandwidth(s, settings.bandwidth)
        _ = copus_encoder_set_complexity(s, settings.complexity)
        _ = copus_encoder_set_signal(s, OPUS_SIGNAL_VOICE)
    }

    deinit { opus_encoder_destroy(state) }

    /// Encodes one 20 ms frame of 960 mono samples.
    public func encode(_ pcm: [Int16]) throws -> [UInt8] {
        guard pcm.count == Self.frameSamples else {
            throw AudioError.invalidFrame(expectedSamples: Self.frameSamples, actualSamples: pcm.count)
        }
        var out = [UInt8](repeating: 0, count: 1500)
        let n = opus_encode(state, pcm, Int32(Self.frameSamples), &out, Int32(out.count))
        guard n > 0 else {
            throw AudioError.opus(operation: "encode", code: n, message: String(cString: opus_strerror(n)))
        }
        return Array(out.prefix(Int(n)))
    }
}

/// A mono Opus decoder with loss concealment, at 48 kHz or any rate Opus decodes to natively
/// (8, 12, 16, 24 kHz: a wideband caller decoded at 16 kHz costs less and loses nothing).
public final class OpusDecoder {
    private let state: OpaquePointer
    public let sampleRate: Int32

    public init(sampleRate: Int32 = OpusEncoder.sampleRate) throws {
        var err: Int32 = 0
        guard let s = opus_decoder_create(sampleRate, 1, &err), err == OPUS_OK else {
            throw AudioError.opus(operation: "decoder_create", code: err, message: String(cString: opus_strerror(err)))
        }
        state = s
        self.sampleRate = sampleRate
    }

    deinit { opus_decoder_destroy(state) }

    /// Forgets the stream (after a jitter-buffer reset or an SSRC change).
    public func reset() {
        _ = copus_decoder_reset_state(state)
    }

    /// Decodes one packet (up to 120 ms) into mono samples at `sampleRate`.
    public func decode(_ packet: [UInt8]) throws -> [Int16] {
        // One allocation of the largest frame (120 ms) at this rate, not zero-filled: Opus writes the
        // samples it returns, and the array keeps exactly those.
        let capacity = Int(sampleRate) * 120 / 1000
        var n: Int32 = 0
        let out = [Int16](unsafeUninitializedCapacity: capacity) { buffer, count in
            guard let base = buffer.baseAddress else { n = OPUS_ALLOC_FAIL; count = 0; return }
            n = opus_decode(state, packet, Int32(packet.count), base, Int32(capacity), 0)
            count = n > 0 ? min(Int(n), capacity) : 0
        }
        guard n >= 0 else {
            throw AudioError.opus(operation: "decode", code: n, message: String(cString: opus_strerror(n)))
        }
        return out
    }

    /// Conceals one lost frame of `samples` at `sampleRate` (default 20 ms; a multiple of 2.5 ms) by
    /// packet loss concealment, or recovers it from the next packet's in-band FEC when `next` is given.
    public func conceal(next: [UInt8]? = nil, samples: Int? = nil) throws -> [Int16] {
        let samples = samples ?? Int(sampleRate) / 50
        var out = [Int16](repeating: 0, count: samples)
        let n: Int32
        if let next {
            n = opus_decode(state, next, Int32(next.count), &out, Int32(samples), 1)
        } else {
            n = opus_decode(state, nil, 0, &out, Int32(samples), 0)
        }
        guard n >= 0 else {
            throw AudioError.opus(operation: "conceal", code: n, message: String(cString: opus_strerror(n)))
        }
        return Array(out.prefix(Int(n)))
    }
}
