import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WhatsApp

/// `POST /internal/forward`: an event another instance received for a call this instance owns. The
/// signature (see `OwnerForwarder`) is checked before anything is decoded; the event is handed to the
/// call (or finalized here when the call has ended meanwhile) and only then answered 200.
struct ForwardRoute: Sendable {
    let secret: String?
    let maxBodyBytes: Int
    let processor: WebhookProcessor
    let logger: Logger

    static let indexField = HTTPField.Name(OwnerForwarder.indexHeader)!
    static let signatureField = HTTPField.Name(OwnerForwarder.signatureHeader)!
    static let fromField = HTTPField.Name(OwnerForwarder.fromHeader)!

    func add(to router: Router<IVRRequestContext>) {
        router.post(RouterPath(OwnerForwarder.path)) { request, _ in await handle(request) }
    }

    func handle(_ request: Request) async -> Response {
        guard let secret, !secret.isEmpty else { return .text(.serviceUnavailable, "no app secret: forwarding is off") }
        guard let indexText = request.headers[Self.indexField], let index = Int(indexText),
              (0...10_000).contains(index) else {
            return .text(.badRequest, "missing or bad \(OwnerForwarder.indexHeader)")
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: maxBodyBytes))
        } catch {
            return .text(.badRequest, "cannot read request body")
        }
        guard OwnerForwarder.verify(index: index, body: body,
                                    header: request.headers[Self.signatureField],
                                    secret: secret) else {
            logger.warning("forwarded event refused: bad signature")
            return .text(.unauthorized, "bad forward signature")
        }
        guard let events = try? WebhookDecoder.decode(body), events.indices.contains(index) else {
            return .text(.badRequest, "the forwarded body has no event \(index)")
        }
        let from = request.headers[Self.fromField] ?? "-"
        await processor.handleForwarded(events[index], from: from)
        return .text(.ok, "ok")
    }
}
