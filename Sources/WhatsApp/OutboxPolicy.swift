/// How the outbox worker retries and polls (config section `outbox:`).
public struct OutboxPolicy: Sendable, Equatable {
    /// Backoff between attempts of one message (429, 5xx, timeouts); `maxAttempts` is unused here.
    public var backoff: RetryPolicy
    /// A message still failing this long after it was enqueued is marked failed.
    public var maxAge: Duration
    /// How often the worker looks for due retries (and rows queued by another process) when not woken.
    public var pollInterval: Duration
    /// Messages claimed per round.
    public var batchSize: Int
    /// While true the worker sends nothing (rows stay pending). For maintenance and the durability tests.
    public var paused: Bool
    /// On shutdown, due messages (the follow-ups of calls the drain just ended) get this long to go out.
    public var shutdownFlush: Duration = .seconds(5)

    public init(backoff: RetryPolicy = RetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(300), jitter: 0.5),
                maxAge: Duration = .seconds(24 * 3600), pollInterval: Duration = .seconds(5), batchSize: Int = 16,
                paused: Bool = false) {
        self.backoff = backoff
        self.maxAge = maxAge
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        self.paused = paused
    }
}
