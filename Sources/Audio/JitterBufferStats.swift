/// Counters since the buffer was created (resets do not clear them).
public struct JitterBufferStats: Sendable, Equatable {
    /// Packets stored for playout.
    public var buffered = 0
    /// Frames handed out as `.frame`.
    public var played = 0
    /// Slots handed out as `.missing` (Opus packet loss concealment).
    public var concealed = 0
    /// Slots handed out as `.recoverFromNext` (Opus in-band FEC).
    public var recovered = 0
    public var duplicates = 0
    public var late = 0
    /// Oldest packets dropped because the buffer held `maxPackets` (the sender runs ahead).
    public var overflowed = 0
    /// Sequence numbers never handed out because playout resumed after an underrun past them.
    public var skipped = 0
    public var resets = 0

    public init() {}
}
