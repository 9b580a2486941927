import Hummingbird
import Logging
import NIOCore
import Store

/// The HTTP surface: `/webhook`, `/healthz`, `/metrics`.
public enum IVRRouter {
    public static func build(webhooks: WebhookRoutes, store: Store, metrics: IVRMetrics,
                             draining: @escaping @Sendable () -> Bool = { false }) -> Router<BasicRequestContext> {
        let router = Router()
        webhooks.add(to: router)
        router.get("healthz") { _, _ -> Response in
            // A load balancer stops sending here once this answers 503.
            if draining() { return .text(.serviceUnavailable, #"{"status":"draining"}"#) }
            do {
                _ = try await store.recentCalls(limit: 1)
                return .text(.ok, #"{"status":"ok","database":"ok"}"#)
            } catch {
                return .text(.serviceUnavailable, #"{"status":"unavailable","database":"error"}"#)
            }
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return router
    }
}
