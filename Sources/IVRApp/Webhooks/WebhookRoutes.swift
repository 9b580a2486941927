import Hashing
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import WhatsApp
import Wire

/// `GET /webhook` (Meta's verification handshake) and `POST /webhook` (signed deliveries).
/// The POST path checks, in order: configuration (503), the source's failure allowance (429, before
/// the body is read or hashed), body size (413), signature on the raw bytes (401), JSON shape
/// (400), then records and queues the events and answers 200 at once. Each 401/400 uses one of
/// the source address's tokens (`FailureLimiter`); a limited source's 429s are counted, not logged.
public struct WebhookRoutes: Sendable {
    let secrets: IVRConfig.WhatsAppSecrets
    let maxBodyBytes: Int
    let processor: WebhookProcessor
    let metrics: IVRMetrics
    let logger: Logger
    private let limiter: SourceLimiter

    /// `proxies`: peers whose `X-Forwarded-For` names the client the limiter charges (see `TrustedProxies`).
    public init(secrets: IVRConfig.WhatsAppSecrets, maxBodyBytes: Int, processor: WebhookProcessor,
                metrics: IVRMetrics, logger: Logger, limits: FailureLimiter.Limits = .init(burst: 20, perMinute: 60,
                                                                                            maxSources: 10_000),
                proxies: TrustedProxies = .init(), clock: any MonotonicClock = SystemMonotonicClock()) {
        self.secrets = secrets
        self.maxBodyBytes = maxBodyBytes
        self.processor = processor
        self.metrics = metrics
        self.logger = logger
        self.limiter = SourceLimiter(limits: limits, proxies: proxies, clock: clock)
    }

    public func add(to router: Router<IVRRequestContext>) {
        router.get("webhook") { request, _ in verify(request) }
        router.post("webhook") { request, context in
            await deliver(request, source: limiter.source(peer: context.remoteAddress, headers: request.headers))
        }
    }

    /// Delivers, then charges a 401/400 to the source's allowance.
    func deliver(_ request: Request, source: String) async -> Response {
        guard limiter.allows(source) else {
            metrics.webhookRateLimited()
            return .text(.tooManyRequests, "too many failed webhook requests from this address; try again later")
        }
        let response = await handle(request)
        if response.status == .unauthorized || response.status == .badRequest {
            if limiter.charge(source) {
                logger.warning("webhook source limited: further requests are answered 429 (counted in ivr_webhooks_rate_limited_total, not logged)",
                               metadata: ["source": "\(source)"])
            }
        }
        return response
    }

    func verify(_ request: Request) -> Response {
        guard let expected = secrets.verifyToken, !expected.isEmpty else {
            return .text(.serviceUnavailable,
                         "webhook verification is not configured: set IVR_VERIFY_TOKEN (or whatsapp.verify_token in the config file)")
        }
        let query = request.uri.queryParameters
        let mode = query.get("hub.mode")
        let token = query.get("hub.verify_token") ?? ""
        let challenge = query.get("hub.challenge")
        guard mode == "subscribe", constantTimeEqual(Array(token.utf8), Array(expected.utf8)), let challenge else {
            logger.warning("webhook verification refused", metadata: ["mode": "\(mode ?? "-")"])
            return .text(.forbidden, "verification refused: hub.mode must be 'subscribe', hub.verify_token must match, and hub.challenge must be present")
        }
        logger.info("webhook verification accepted")
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    func handle(_ request: Request) async -> Response {
        let received = ContinuousClock.now
        guard let secret = secrets.appSecret, !secret.isEmpty else {
            metrics.webhookRejected(reason: "not_configured")
            return .text(.serviceUnavailable,
                         "webhook signature secret is not configured: set IVR_APP_SECRET (or whatsapp.app_secret in the config file)")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            return tooLarge()
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: maxBodyBytes))
        } catch is NIOTooManyBytesError {
            return tooLarge()
        } catch {
            metrics.webhookRejected(reason: "body_unreadable")
            return .text(.badRequest, "cannot read request body: \(error)")
        }
        do throws(SignatureError) {
            try WebhookSignature.verify(body: body, header: request.headers[Self.signatureHeader], secret: secret)
        } catch {
            metrics.webhookRejected(reason: error.metricReason)
            logger.warning("webhook refused", metadata: ["reason": "\(error)"])
            return .text(.unauthorized, error.description)
        }
        let events: [WebhookEvent]
        do throws(WebhookDecodingError) {
            events = try WebhookDecoder.decode(body)
        } catch {
            metrics.webhookRejected(reason: "malformed_payload")
            logger.warning("webhook refused", metadata: ["reason": "\(error)"])
            return .text(.badRequest, error.description)
        }
        do {
            try await processor.submit(events, body: body, receivedAt: received)
        } catch let WebhookProcessor.SubmitError.busy(queued) {
            logger.warning("webhook work queue full; delivery refused for redelivery", metadata: ["queued": "\(queued)"])
            var response = Response.text(.serviceUnavailable, "busy: \(queued) events wait to be processed; redeliver")
            response.headers[.retryAfter] = "5"
            return response
        } catch WebhookProcessor.SubmitError.draining {
            logger.notice("new call refused while draining; WhatsApp will redeliver it")
            var response = Response.text(.serviceUnavailable, "draining: this instance is shutting down; redeliver")
            response.headers[.retryAfter] = "5"
            return response
        } catch {
            metrics.webhookRejected(reason: "store_unavailable")
            logger.error("cannot record webhook delivery", metadata: ["error": "\(error)"])
            return .text(.internalServerError, "cannot record the delivery; it will be redelivered")
        }
        return .text(.ok, "ok")
    }

    private func tooLarge() -> Response {
        metrics.webhookRejected(reason: "body_too_large")
        return .text(.contentTooLarge, "request body is larger than the limit of \(maxBodyBytes) bytes")
    }

    static let signatureHeader = HTTPField.Name(WebhookSignature.headerName)!
}

extension Response {
    /// A plain-text response with a trailing newline.
    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
