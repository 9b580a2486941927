import Foundation
import Logging
import ServiceLifecycle

/// Runs `RetentionJob` at start and then every `retention.interval_minutes`, as a swift-service-lifecycle
/// `Service`. The clock it sleeps on and the wall-clock `now` the cutoffs are computed from are injected,
/// so tests drive it without waiting. A failed run is logged and retried at the next interval; graceful
/// shutdown (or cancellation) ends the wait at once.
public final class RetentionService<C: Clock>: Service, Sendable where C.Duration == Duration {
    public let job: RetentionJob
    let clock: C
    let now: @Sendable () -> Date
    let logger: Logger
    let onReport: @Sendable (Result<RetentionReport, any Error>) -> Void

    /// - Parameter onReport: called after every run with its result (metrics, tests).
    public init(job: RetentionJob, clock: C, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger,
                onReport: @escaping @Sendable (Result<RetentionReport, any Error>) -> Void = { _ in }) {
        self.job = job
        self.clock = clock
        self.now = now
        self.logger = logger
        self.onReport = onReport
    }

    public var interval: Duration { .seconds(Int64(job.policy.intervalMinutes) * 60) }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await self.runOnce()
                    try await self.clock.sleep(for: self.interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// One run, logged; never throws.
    func runOnce() async {
        do {
            let report = try await job.run(now: now())
            if report.total > 0 {
                logger.info("retention pruned old records", metadata: [
                    "call_events": "\(report.rows.callEvents)", "deliveries": "\(report.rows.deliveries)",
                    "outbox": "\(report.rows.outbox)", "recordings": "\(report.recordings)",
                ])
            } else {
                logger.debug("retention found nothing to prune")
            }
            onReport(.success(report))
        } catch {
            logger.error("retention run failed; retrying at the next interval", metadata: ["error": "\(error)"])
            onReport(.failure(error))
        }
    }
}

extension RetentionService where C == ContinuousClock {
    /// The daemon's service: the real clock and wall time.
    public convenience init(job: RetentionJob, logger: Logger) {
        self.init(job: job, clock: ContinuousClock(), logger: logger)
    }
}
