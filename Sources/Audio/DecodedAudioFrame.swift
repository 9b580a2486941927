/// One 20 ms (or packet-long) slot of the caller's audio, decoded.
public struct DecodedAudioFrame: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Decoded from its own packet.
        case decoded
        /// Rebuilt from the next packet's in-band FEC.
        case recovered
        /// Synthesised by Opus packet loss concealment (lost packet, or a payload that failed to decode).
        case concealed
    }

    public var sequence: UInt16
    public var rtpTimestamp: UInt32
    public var source: Source
    /// Mono samples at the decoder's rate (960 for a 20 ms packet at 48 kHz, 320 at 16 kHz).
    public var pcm: [Int16]
    /// The 16 kHz stream for speech recognition: what the resampler released for this frame
    /// (320 samples per 20 ms on average; libsoxr filters in blocks, so the stream lags the
    /// 48 kHz audio by up to about 30 ms and single frames may carry 0 or more). Empty when off.
    public var audio16k: [Int16]
}
