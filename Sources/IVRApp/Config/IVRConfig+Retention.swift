import Foundation
import Store
import Yams

extension IVRConfig {
    /// How long records are kept (`retention:`), in days; 0 keeps them forever. A periodic job
    /// (`RetentionService`) and `ivrd calls prune` delete what is older.
    public struct Retention: Sendable, Equatable {
        /// Voicemail recordings (`.wav` files directly in `recordingsDirectory`), by modification time.
        public var recordingsDays = 30
        /// Call timelines (`call_events`). Call rows themselves are kept.
        public var eventsDays = 90
        /// Webhook deliveries seen (`webhook_deliveries`), which recognise redeliveries: keep them longer than
        /// WhatsApp retries a webhook (up to 7 days).
        public var deliveriesDays = 14
        /// Follow-up messages that are done (sent, delivered, read, failed); pending ones are never pruned.
        public var outboxDays = 90
        /// How often the job runs while the daemon is up (the first run is at start).
        public var intervalMinutes = 60
        /// Where recordings are written.
        public var recordingsDirectory = "var/recordings"

        public init() {}

        /// The longest retention the config accepts, in days (about 27 years).
        public static let maxDays = 10_000

        /// The Store cutoffs for `now`: rows older than their table's period go.
        public func cutoffs(now: Date) -> PruneCutoffs {
            PruneCutoffs(callEvents: Self.cutoff(days: eventsDays, now: now),
                         deliveries: Self.cutoff(days: deliveriesDays, now: now),
                         outbox: Self.cutoff(days: outboxDays, now: now))
        }

        /// Recordings modified before this go; nil when they are kept forever.
        public func recordingsCutoff(now: Date) -> Date? { Self.cutoff(days: recordingsDays, now: now) }

        static func cutoff(days: Int, now: Date) -> Date? {
            days > 0 ? now.addingTimeInterval(-Double(days) * 86_400) : nil
        }
    }
}

extension ConfigLoader {
    static let retentionKeys = ["recordings_days", "events_days", "deliveries_days", "outbox_days", "interval_minutes",
                                "recordings_dir"]

    static func applyRetention(_ node: Node, reader r: YAMLReader, to out: inout IVRConfig.Retention) throws {
        let m = try r.mapping(node, path: "retention", keys: retentionKeys)
        let days = 0...IVRConfig.Retention.maxDays
        if let v = try r.int(m["recordings_days"], "retention.recordings_days", days) { out.recordingsDays = v }
        if let v = try r.int(m["events_days"], "retention.events_days", days) { out.eventsDays = v }
        if let v = try r.int(m["deliveries_days"], "retention.deliveries_days", days) { out.deliveriesDays = v }
        if let v = try r.int(m["outbox_days"], "retention.outbox_days", days) { out.outboxDays = v }
        if let v = try r.int(m["interval_minutes"], "retention.interval_minutes", 1...10_080) { out.intervalMinutes = v }
        if let v = try r.string(m["recordings_dir"], "retention.recordings_dir") {
            guard !v.isEmpty else { throw r.error(m["recordings_dir"], "retention.recordings_dir: expected a folder, found ''") }
            out.recordingsDirectory = v
        }
    }
}
