/// What the jitter buffer hands out for one frame slot, in sequence order.
public enum JitterOutput: Sendable, Equatable {
    /// The packet arrived: decode it.
    case frame(payload: [UInt8], sequence: UInt16, rtpTimestamp: UInt32)
    /// The packet is lost but the next one is here: recover this slot from its in-band FEC
    /// (`OpusDecoder.conceal(next:)`), then decode the next packet normally when it comes out.
    case recoverFromNext(nextPayload: [UInt8], sequence: UInt16, rtpTimestamp: UInt32)
    /// The packet is lost and nothing follows yet: conceal (`OpusDecoder.conceal()`).
    case missing(sequence: UInt16, rtpTimestamp: UInt32)

    public var sequence: UInt16 {
        switch self {
        case let .frame(_, sequence, _), let .recoverFromNext(_, sequence, _), let .missing(sequence, _): return sequence
        }
    }

    public var rtpTimestamp: UInt32 {
        switch self {
        case let .frame(_, _, ts), let .recoverFromNext(_, _, ts), let .missing(_, ts): return ts
        }
    }
}

/// What `JitterBuffer.insert` did with a packet.
public enum JitterInsertResult: Sendable, Equatable {
    /// Stored for playout.
    case buffered
    /// Stored, after the buffer reset (SSRC change or a sequence jump larger than `resetGap`):
    /// the decoder should be reset too.
    case bufferedAfterReset
    /// Already buffered or already played: dropped.
    case duplicate
    /// Its slot was already concealed (or is long gone): dropped.
    case late
}
