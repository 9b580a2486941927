/// Tuning for `JitterBuffer`.
public struct JitterBufferConfiguration: Sendable, Equatable {
    /// How long after its arrival the first packet of a stream is played; later packets follow
    /// on the RTP clock. 60 ms absorbs typical mobile jitter.
    public var targetDelay: Duration = .milliseconds(60)
    /// Grow the delay when packets come after their slot was concealed…
    public var adaptive = true
    /// …up to this much (it returns to `targetDelay` when playout restarts after a pause).
    public var maxDelay: Duration = .milliseconds(200)
    /// Most packets held (1 s of 20 ms frames); beyond it the oldest is dropped and playout moves up.
    public var maxPackets = 50
    /// Lost slots concealed in a row once the buffer runs dry (100 ms), before playout pauses
    /// until packets come again.
    public var maxConcealedInARow = 5
    /// A sequence jump this large (forwards, or backwards past played packets) resets the buffer.
    public var resetGap = 100
    /// RTP clock rate (Opus: always 48 kHz).
    public var clockRate = 48_000
    /// Ticks per packet until two consecutive packets show the real value (20 ms at 48 kHz).
    public var defaultFrameTicks: UInt32 = 960

    public init() {}
}
