import AsyncHTTPClient
import Foundation
import Hashing
import Logging
import NIOCore
import Store

/// Hands a call's `terminate` or status webhook to the instance that owns the call, when it landed on
/// another one behind the load balancer: a signed internal HTTP request to the owner's internal URL
/// (`POST /internal/forward`), carrying the delivery's body and the event's index in it.
///
/// Why HTTP and not PostgreSQL `LISTEN/NOTIFY`: the forward is acknowledged. The owner answers once it
/// has handed the event to the call, so the receiving instance knows, and when the owner does not
/// answer (it died, or is unreachable) it finalizes the call itself from WhatsApp's figures. A NOTIFY is
/// fire-and-forget (lost when the owner's listening connection is down, unnoticed by the sender) and
/// capped at 8,000 bytes. The signature is an HMAC-SHA256 under the app secret every instance shares, over
/// a domain-separated message (`ivr-forward:<index>:<body>`), so a delivery signed by Meta cannot be
/// replayed as a forward; the owner's handling is idempotent (a second terminate is `alreadyFinalized`).
public struct OwnerForwarder: Sendable {
    public static let path = "/internal/forward"
    public static let signatureHeader = "X-IVR-Forward-Signature"
    public static let indexHeader = "X-IVR-Event-Index"
    public static let fromHeader = "X-IVR-Forwarded-By"

    let directory: any InstanceDirectory
    let store: any CallStore
    let http: HTTPClient
    let secret: String
    /// An owner last seen longer ago than this is dead: nothing is forwarded to it.
    let lease: TimeInterval
    let timeout: TimeAmount
    let logger: Logger

    public init(directory: any InstanceDirectory, store: any CallStore, http: HTTPClient, secret: String,
                lease: TimeInterval, timeout: TimeAmount = .seconds(3), logger: Logger) {
        self.directory = directory
        self.store = store
        self.http = http
        self.secret = secret
        self.lease = lease
        self.timeout = timeout
        self.logger = logger
    }

    /// The signature of one forwarded event.
    public static func sign(index: Int, body: [UInt8], secret: String) -> String {
        "sha256=" + Hex.encode(HMAC.sha256(key: Array(secret.utf8), data: Array("ivr-forward:\(index):".utf8) + body))
    }

    public static func verify(index: Int, body: [UInt8], header: String?, secret: String) -> Bool {
        guard let header, !secret.isEmpty else { return false }
        return constantTimeEqual(Array(header.utf8), Array(sign(index: index, body: body, secret: secret).utf8))
    }

    /// True when the call's live owner is another instance and it acknowledged the event. False: handle it
    /// here (the call is ours, unknown, or its owner is dead or did not answer).
    public func forward(callID: String, index: Int, body: [UInt8]) async -> Bool {
        let owner: InstanceRecord
        do {
            guard let row = try await store.call(id: callID), row.finalizedAt == nil,
                  let ownerID = row.instanceID, ownerID != directory.instanceID,
                  let found = try await directory.instance(id: ownerID) else { return false }
            owner = found
        } catch {
            logger.error("cannot look up the call's owner", metadata: ["call_id": "\(callID)", "error": "\(error)"])
            return false
        }
        guard Date().timeIntervalSince(owner.lastSeen) <= lease else {
            logger.warning("the call's owner is not alive; handled here", metadata: [
                "call_id": "\(callID)", "owner": "\(owner.id)",
            ])
            return false
        }
        var request = HTTPClientRequest(url: owner.internalURL + Self.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: Self.indexHeader, value: String(index))
        request.headers.add(name: Self.fromHeader, value: directory.instanceID)
        request.headers.add(name: Self.signatureHeader, value: Self.sign(index: index, body: body, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 4096)
            guard response.status == .ok else {
                logger.warning("the owner refused a forwarded event; handled here", metadata: [
                    "call_id": "\(callID)", "owner": "\(owner.id)", "status": "\(response.status.code)",
                ])
                return false
            }
            logger.info("webhook event forwarded to the call's owner", metadata: [
                "call_id": "\(callID)", "owner": "\(owner.id)",
            ])
            return true
        } catch {
            logger.warning("cannot forward to the call's owner; handled here", metadata: [
                "call_id": "\(callID)", "owner": "\(owner.id)", "error": "\(error)",
            ])
            return false
        }
    }
}
