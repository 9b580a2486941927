import Foundation
import Logging
import ServiceLifecycle
import Store

/// This instance among several on one PostgreSQL store: beats its heartbeat into `instances` every third
/// of the lease, and after each beat takes over what instances that stopped beating left behind. Their
/// unfinalized calls are finalized here as `instance_lost` (one outcome line each, follow-ups queued; the
/// store finalizes a call at most once, so two survivors, or the dead instance coming back, cannot do it
/// twice), and the webhook events they accepted but never processed are replayed here.
public struct InstanceService: Service {
    let directory: any InstanceDirectory
    let finalizer: CallFinalizer
    let processor: WebhookProcessor
    let internalURL: String
    let mediaAddress: String
    let flowVersions: @Sendable () -> String
    let lease: TimeInterval
    let logger: Logger

    public init(directory: any InstanceDirectory, finalizer: CallFinalizer, processor: WebhookProcessor,
                internalURL: String, mediaAddress: String, flowVersions: @escaping @Sendable () -> String,
                lease: TimeInterval, logger: Logger) {
        self.directory = directory
        self.finalizer = finalizer
        self.processor = processor
        self.internalURL = internalURL
        self.mediaAddress = mediaAddress
        self.flowVersions = flowVersions
        self.lease = lease
        self.logger = logger
    }

    /// The first beat, before the webhook port opens (so forwards can find this instance at once).
    public func beat() async {
        do {
            try await directory.heartbeat(internalURL: internalURL, mediaAddress: mediaAddress,
                                          flowVersions: flowVersions(), now: Date())
        } catch {
            logger.error("cannot record the instance heartbeat", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        logger.info("instance joined", metadata: [
            "instance": "\(directory.instanceID)", "internal_url": "\(internalURL)", "lease_s": "\(Int(lease))",
        ])
        let period = Duration.milliseconds(Int64(max(0.5, lease / 3) * 1000))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await beat()
            await takeOver()
            do {
                try await Task.sleep(for: period)
            } catch {
                return
            }
        }
    }

    /// Finalizes the calls, and replays the pending events, of instances last seen longer than the lease ago.
    public func takeOver() async {
        let cutoff = Date().addingTimeInterval(-lease)
        do {
            for row in try await directory.orphanedCalls(seenBefore: cutoff) {
                let dead = row.instanceID ?? "-"
                // A call the lost instance placed is known to WhatsApp by WhatsApp's id, not ours.
                let result = await finalizer.finalize(callID: row.id, phoneNumberID: row.phoneNumberID,
                                                      reason: .instanceLost(instance: dead),
                                                      graphCallID: await processor.graphCallID(forCall: row.id))
                logger.warning("call of a lost instance finalized", metadata: [
                    "call_id": "\(row.id)", "lost_instance": "\(dead)", "result": "\(result)",
                ])
            }
            let events = try await directory.adoptPendingEvents(seenBefore: cutoff)
            if !events.isEmpty {
                logger.warning("replaying webhook events a lost instance accepted", metadata: ["count": "\(events.count)"])
                await processor.replay(events)
            }
        } catch {
            logger.error("cannot take over lost instances' calls", metadata: ["error": "\(error)"])
        }
    }
}
