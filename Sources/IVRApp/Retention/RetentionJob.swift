import Audio
import Foundation
import Store

/// What one retention run deleted (or, in a dry run, would delete).
public struct RetentionReport: Sendable, Equatable, CustomStringConvertible {
    public var rows: PruneCounts
    public var recordings: Int
    public var dryRun: Bool

    public init(rows: PruneCounts = PruneCounts(), recordings: Int = 0, dryRun: Bool = false) {
        self.rows = rows
        self.recordings = recordings
        self.dryRun = dryRun
    }

    public var total: Int { rows.total + recordings }

    public var description: String { "\(rows), recordings \(recordings)" }
}

/// One pass of the retention policy (`retention:`): old call events, webhook deliveries and finished outbox
/// rows from the store, then old recordings from the recordings folder. Used by `RetentionService` and
/// `ivrd calls prune`.
public struct RetentionJob: Sendable {
    public let store: any CallStore
    public let policy: IVRConfig.Retention

    public init(store: any CallStore, policy: IVRConfig.Retention) {
        self.store = store
        self.policy = policy
    }

    /// Prunes everything older than the policy allows at `now`; `dryRun` only counts.
    public func run(now: Date, dryRun: Bool = false) async throws -> RetentionReport {
        let rows = try await store.prune(policy.cutoffs(now: now), dryRun: dryRun)
        var recordings = 0
        if let cutoff = policy.recordingsCutoff(now: now) {
            recordings = try RecordingDirectory.prune(policy.recordingsDirectory, before: cutoff, dryRun: dryRun)
        }
        return RetentionReport(rows: rows, recordings: recordings, dryRun: dryRun)
    }
}
