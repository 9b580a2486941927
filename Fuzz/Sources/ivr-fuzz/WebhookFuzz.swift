import FuzzSupport
import WhatsAppWire

/// Webhook delivery: the signature check on the raw body, then the JSON decoding, as `POST /webhook` runs them.
///
/// Input: the body. Invariants: the header `sign` makes for a body always verifies; a header for a different
/// body, or a malformed one, is refused with the reason the check names; decoding yields events or a
/// `WebhookDecodingError` with a path and a message.
enum WebhookFuzz {
    static let secret = "fuzz-app-secret"

    static func run(_ body: [UInt8]) {
        let header = WebhookSignature.sign(body: body, secret: secret)
        do { try WebhookSignature.verify(body: body, header: header, secret: secret) } catch {
            require(false, "a body's own signature was refused: \(error)")
        }
        // The same header with the body changed (one byte flipped, or one appended) must not verify.
        var changed = body
        if let last = changed.indices.last { changed[last] ^= 0x01 } else { changed = [0x7B] }
        do {
            try WebhookSignature.verify(body: changed, header: header, secret: secret)
            require(false, "a signature verified for a different body")
        } catch {
            require(error == .mismatch, "a changed body was refused for the wrong reason: \(error)")
        }
        // The body itself as a header value: never accepted, and the reason is never empty.
        let asHeader = String(decoding: body.prefix(80), as: UTF8.self)
        if asHeader != header {
            do {
                try WebhookSignature.verify(body: body, header: asHeader, secret: secret)
                require(false, "header '\(asHeader)' verified")
            } catch {
                require(!error.description.isEmpty, "empty signature error")
            }
        }

        do {
            let events = try WebhookDecoder.decode(body)
            for event in events { _ = "\(event)" }
        } catch {
            require(!error.path.isEmpty, "decoding error without a path")
            require(!error.message.isEmpty, "decoding error without a message at \(error.path)")
        }
    }
}
