import Foundation

/// One row of `instances`: an ivrd sharing the store, and when it was last seen alive.
public struct InstanceRecord: Sendable, Equatable {
    public var id: String
    /// Where the other instances reach its HTTP server (forwarded webhooks).
    public var internalURL: String
    /// Where its media is served (`ip ports a-b`), for operators.
    public var mediaAddress: String
    public var startedAt: Date
    public var lastSeen: Date
    /// The flows it has loaded, `name@hash` comma-separated (two instances disagreeing show here).
    public var flowVersions: String

    public init(id: String, internalURL: String, mediaAddress: String, startedAt: Date, lastSeen: Date,
                flowVersions: String) {
        self.id = id
        self.internalURL = internalURL
        self.mediaAddress = mediaAddress
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.flowVersions = flowVersions
    }
}

/// What a store shared by several instances adds: who is alive, who owns a call, and the calls whose
/// owner died. Only `PostgresStore` has it; with SQLite there is one instance and nothing to share.
public protocol InstanceDirectory: Sendable {
    /// This instance's id, as written on the calls it owns.
    var instanceID: String { get }
    /// Records (or refreshes) this instance's row with `now` as its heartbeat.
    func heartbeat(internalURL: String, mediaAddress: String, flowVersions: String, now: Date) async throws
    func instance(id: String) async throws -> InstanceRecord?
    func instances() async throws -> [InstanceRecord]
    /// Unfinalized calls whose owner is another instance last seen before `cutoff` (or gone from `instances`).
    func orphanedCalls(seenBefore cutoff: Date) async throws -> [CallRecord]
    /// Webhook events accepted by instances last seen before `cutoff` and never processed: moved to this
    /// instance (so it replays them) and returned.
    func adoptPendingEvents(seenBefore cutoff: Date) async throws -> [PendingWebhookEvent]
}
