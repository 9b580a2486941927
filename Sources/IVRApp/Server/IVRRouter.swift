import Hummingbird
import Logging
import NIOCore
import Store

/// The public surface: `/webhook` and a status-only `/healthz` for load balancers. `/metrics` and the
/// full health report are on the admin listener (`AdminRouter`).
public enum IVRRouter {
    public static func build(webhooks: WebhookRoutes, health: HealthRoutes) -> Router<IVRRequestContext> {
        let router = Router(context: IVRRequestContext.self)
        webhooks.add(to: router)
        // A load balancer stops sending here once this answers 503.
        router.get("healthz") { _, _ in await health.statusOnly() }
        return router
    }
}
