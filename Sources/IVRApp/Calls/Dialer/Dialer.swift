import Foundation

/// Which due rows to place now, sans-IO: each campaign's pace (a token bucket) and calling window.
/// The dialer service feeds it the due rows and the time; it returns the rows to claim, the rows to
/// move to their window's next opening, and when to look again.
public struct Dialer: Sendable {
    /// How one campaign (or the rows of no campaign) is paced.
    public struct Pacing: Sendable, Equatable {
        public var rate: DialRate
        public var window: CallingWindow?

        public init(rate: DialRate, window: CallingWindow? = nil) {
            self.rate = rate
            self.window = window
        }
    }

    /// A due row: its id and its campaign (nil: a step, callback or API row).
    public struct Due: Sendable, Equatable {
        public var id: String
        public var campaignID: String?

        public init(id: String, campaignID: String? = nil) {
            self.id = id
            self.campaignID = campaignID
        }
    }

    public struct Plan: Sendable, Equatable {
        /// Rows to claim and place now, in order.
        public var claim: [String] = []
        /// Rows outside their window: not due before the window opens again.
        public var postpone: [(id: String, until: Date)] = []
        /// When a paced-out row's token comes (nil: nothing waits on pacing).
        public var nextDeadline: Date?

        public static func == (a: Plan, b: Plan) -> Bool {
            a.claim == b.claim && a.nextDeadline == b.nextDeadline
                && a.postpone.map(\.id) == b.postpone.map(\.id) && a.postpone.map(\.until) == b.postpone.map(\.until)
        }
    }

    /// Rows of no campaign (`outbound.dialer.rate`, no window).
    public let standalone: Pacing
    private var buckets: [String: TokenBucket] = [:]

    public init(standalone: Pacing) {
        self.standalone = standalone
    }

    /// `due` in the order to place them; `pacing` per campaign id (a row whose campaign is missing there
    /// is paced as a standalone row).
    public mutating func plan(due: [Due], pacing: [String: Pacing], now: Date) -> Plan {
        var plan = Plan()
        var exhausted: Set<String> = []
        for row in due {
            let key = row.campaignID ?? ""
            let p = row.campaignID.flatMap { pacing[$0] } ?? standalone
            if let window = p.window, !window.contains(now) {
                plan.postpone.append((row.id, window.nextOpening(atOrAfter: now)))
                continue
            }
            guard !exhausted.contains(key) else { continue }
            var bucket = buckets[key] ?? TokenBucket(rate: p.rate)
            if bucket.rate != p.rate { bucket = TokenBucket(rate: p.rate) }
            if bucket.take(now: now) {
                plan.claim.append(row.id)
            } else {
                exhausted.insert(key)
                let next = bucket.nextToken(now: now)
                plan.nextDeadline = plan.nextDeadline.map { min($0, next) } ?? next
            }
            buckets[key] = bucket
        }
        return plan
    }

    /// Forgets the pace of campaigns no longer running.
    public mutating func forget(keeping campaigns: Set<String>) {
        buckets = buckets.filter { $0.key.isEmpty || campaigns.contains($0.key) }
    }
}
