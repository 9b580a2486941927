import Foundation

/// What the server keeps durably: calls and their timelines, webhook deliveries (dedupe and replay), the
/// follow-up outbox, and the instances sharing the database. Two implementations: `Store` (SQLite, the
/// embedded default) and `PostgresStore` (several instances on one PostgreSQL). Both pass the same suite
/// (Tests/StoreTests). Every method is atomic, and durable once it returns (on SQLite, concurrent writes share a
/// transaction, each in its own savepoint: `GroupCommit`).
public protocol CallStore: Sendable {
    /// What the store is, for the start-up log (a file path, or `postgres://host/db` without the password).
    var summary: String { get }

    /// Connects and migrates (a no-op for SQLite, which does it on open). Every other method also waits for it.
    func prepare() async throws
    /// Closes connections; the store is not used afterwards.
    func close() async

    // MARK: Webhook deliveries

    /// Records a delivery; true the first time a (subject, event) pair is seen. Atomic across instances.
    func recordDelivery(subjectID: String, event: String, at date: Date) async throws -> Bool
    /// Records a delivery's events with its body before it is acknowledged; per key, whether it is new.
    func recordDeliveries(_ keys: [Store.DeliveryKey], body: [UInt8], at date: Date) async throws -> [Bool]
    func markDeliveryProcessed(subjectID: String, event: String, at date: Date) async throws
    /// Events acknowledged but never processed, oldest first.
    func pendingWebhookEvents() async throws -> [PendingWebhookEvent]
    func deliveryCount(subjectID: String) async throws -> Int

    // MARK: Calls

    /// Inserts a call row unless one with that id exists. Returns true when inserted.
    @discardableResult
    func insertCall(_ call: CallRecord) async throws -> Bool
    /// Changes an unfinalized call's row; nil for an unknown or finalized call.
    @discardableResult
    func updateCall(id: String, at date: Date, _ change: @Sendable @escaping (inout CallRecord) -> Void)
        async throws -> CallRecord?
    func unfinalizedCalls() async throws -> [CallRecord]
    func call(id: String) async throws -> CallRecord?
    func recentCalls(limit: Int) async throws -> [CallRecord]
    func recordEvent(callID: String, kind: CallEventKind, detail: String, at date: Date) async throws
    func events(callID: String) async throws -> [CallEvent]
    /// Finalizes a call at most once (see `Store.finalizeCall`).
    func finalizeCall(id: String, at date: Date, ifMissing: CallRecord?, endDetail: String,
                      _ apply: @Sendable @escaping (inout CallRecord, [CallEvent], Bool) throws -> [OutboxDraft])
        async throws -> CallFinalization?
    func calls(since: Date?, flow: String?, status: String?, limit: Int) async throws -> [CallSummary]

    // MARK: Outbox

    func outboxMessage(id: Int64) async throws -> OutboxMessage?
    func outboxMessages(statuses: [OutboxStatus]?, callID: String?, limit: Int) async throws -> [OutboxMessage]
    /// Claims the pending messages due by `now` (status `sending`, one more attempt). No two callers, on any
    /// instance, get the same row.
    func claimDueOutbox(now: Date, limit: Int) async throws -> [OutboxMessage]
    func nextOutboxDue() async throws -> Date?
    /// Rows left `sending` by a process that died go back to `pending` (see each implementation for which).
    func resumeInterruptedOutbox(now: Date) async throws -> Int
    @discardableResult
    func markOutboxSent(id: Int64, wamid: String, at date: Date) async throws -> OutboxMessage?
    @discardableResult
    func scheduleOutboxRetry(id: Int64, next: Date, errorCode: Int?, detail: String, at date: Date) async throws
        -> OutboxMessage?
    @discardableResult
    func failOutbox(id: Int64, errorCode: Int?, detail: String, at date: Date) async throws -> OutboxMessage?
    @discardableResult
    func applyMessageStatus(wamid: String, status: OutboxStatus, errorCode: Int?, detail: String?, at date: Date)
        async throws -> OutboxMessage?
    func retryOutbox(id: Int64, at date: Date) async throws -> OutboxMessage

    // MARK: Console (read-only; the SQL is standard, the same on both stores)

    /// The calls matching `query`, newest first, one page, each with its last step, and the total.
    func callPage(_ query: CallQuery) async throws -> CallPage
    /// The calls of a flow (optionally one version, a time range) as the funnel reads them: each call's
    /// steps from its `step` events (so calls still running count too), and how it ended.
    func funnelCalls(flow: String, version: String?, since: Date?, until: Date?, limit: Int) async throws -> [FunnelCall]
    /// The versions of a flow that calls ran, the most recently used first.
    func flowVersions(flow: String) async throws -> [FlowVersionCount]

    // MARK: Retention

    /// Deletes what `cutoffs` allow (call events, webhook deliveries, finished outbox rows; call rows stay),
    /// `batchSize` rows per transaction, or only counts it when `dryRun`.
    func prune(_ cutoffs: PruneCutoffs, dryRun: Bool, batchSize: Int) async throws -> PruneCounts

    // MARK: Health

    /// Proves the database can take a write without changing anything. For `/healthz`.
    func checkWritable() async throws
}

/// The defaults the callers rely on (`at` is now, limits as before).
extension CallStore {
    public func recordDelivery(subjectID: String, event: String) async throws -> Bool {
        try await recordDelivery(subjectID: subjectID, event: event, at: Date())
    }

    public func recordDeliveries(_ keys: [Store.DeliveryKey], body: [UInt8]) async throws -> [Bool] {
        try await recordDeliveries(keys, body: body, at: Date())
    }

    public func markDeliveryProcessed(subjectID: String, event: String) async throws {
        try await markDeliveryProcessed(subjectID: subjectID, event: event, at: Date())
    }

    @discardableResult
    public func updateCall(id: String, _ change: @Sendable @escaping (inout CallRecord) -> Void) async throws
        -> CallRecord? {
        try await updateCall(id: id, at: Date(), change)
    }

    public func recentCalls() async throws -> [CallRecord] { try await recentCalls(limit: 100) }

    public func recordEvent(callID: String, kind: CallEventKind, detail: String) async throws {
        try await recordEvent(callID: callID, kind: kind, detail: detail, at: Date())
    }

    public func finalizeCall(id: String, at date: Date, endDetail: String,
                             _ apply: @Sendable @escaping (inout CallRecord, [CallEvent], Bool) throws -> [OutboxDraft])
        async throws -> CallFinalization? {
        try await finalizeCall(id: id, at: date, ifMissing: nil, endDetail: endDetail, apply)
    }

    public func finalizeCall(id: String, ifMissing: CallRecord? = nil, endDetail: String,
                             _ apply: @Sendable @escaping (inout CallRecord, [CallEvent], Bool) throws -> [OutboxDraft])
        async throws -> CallFinalization? {
        try await finalizeCall(id: id, at: Date(), ifMissing: ifMissing, endDetail: endDetail, apply)
    }

    public func calls(since: Date? = nil, flow: String? = nil, status: String? = nil) async throws -> [CallSummary] {
        try await calls(since: since, flow: flow, status: status, limit: 100)
    }

    public func outboxMessages(statuses: [OutboxStatus]? = nil, callID: String? = nil) async throws -> [OutboxMessage] {
        try await outboxMessages(statuses: statuses, callID: callID, limit: 500)
    }

    public func claimDueOutbox(now: Date) async throws -> [OutboxMessage] {
        try await claimDueOutbox(now: now, limit: 16)
    }

    @discardableResult
    public func applyMessageStatus(wamid: String, status: OutboxStatus, errorCode: Int? = nil, detail: String? = nil)
        async throws -> OutboxMessage? {
        try await applyMessageStatus(wamid: wamid, status: status, errorCode: errorCode, detail: detail, at: Date())
    }

    @discardableResult
    public func applyMessageStatus(wamid: String, status: OutboxStatus, at date: Date) async throws -> OutboxMessage? {
        try await applyMessageStatus(wamid: wamid, status: status, errorCode: nil, detail: nil, at: date)
    }

    public func retryOutbox(id: Int64) async throws -> OutboxMessage {
        try await retryOutbox(id: id, at: Date())
    }

    public func funnelCalls(flow: String, version: String? = nil, since: Date? = nil, until: Date? = nil)
        async throws -> [FunnelCall] {
        try await funnelCalls(flow: flow, version: version, since: since, until: until, limit: 100_000)
    }

    /// The funnel of a flow over the calls `funnelCalls` returns.
    public func funnel(flow: String, version: String? = nil, since: Date? = nil, until: Date? = nil) async throws
        -> FlowFunnel {
        FlowFunnel(calls: try await funnelCalls(flow: flow, version: version, since: since, until: until))
    }

    /// Calls not finalized yet that arrived after `since` (the console's live page), newest first.
    public func liveCalls(since: Date, limit: Int = 200) async throws -> [CallSummary] {
        try await callPage(CallQuery(since: since, outcome: .inProgress, limit: limit)).calls
    }

    public func prune(_ cutoffs: PruneCutoffs, dryRun: Bool = false) async throws -> PruneCounts {
        try await prune(cutoffs, dryRun: dryRun, batchSize: PruneCutoffs.batchSize)
    }
}
