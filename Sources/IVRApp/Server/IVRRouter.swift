import Hummingbird
import Logging
import NIOCore
import Store

/// The HTTP surface: `/webhook`, `/healthz`, `/metrics`.
public enum IVRRouter {
    public static func build(webhooks: WebhookRoutes, store: any CallStore, metrics: IVRMetrics,
                             queueDepth: @escaping @Sendable () -> Int = { 0 },
                             draining: @escaping @Sendable () -> Bool = { false }) -> Router<IVRRequestContext> {
        let router = Router(context: IVRRequestContext.self)
        webhooks.add(to: router)
        router.get("healthz") { _, _ -> Response in
            // A load balancer stops sending here once this answers 503.
            if draining() {
                return Response(status: .serviceUnavailable, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"draining"}"# + "\n")))
            }
            let report = await HealthCheck.run(store: store, webhookQueue: queueDepth())
            return Response(status: .init(code: report.status.httpCode),
                            headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: report.json + "\n")))
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return router
    }
}
