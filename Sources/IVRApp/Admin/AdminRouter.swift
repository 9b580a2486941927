import Hummingbird
import NIOCore
import Store

/// Routes another part of the daemon adds to the admin listener (the console, `/v1/calls`, …).
/// They sit behind `AdminAuthMiddleware`.
public protocol AdminRoutes: Sendable {
    func add(to router: Router<IVRRequestContext>)
}

/// The admin listener's surface: `/metrics`, the full `/healthz`, and every `AdminRoutes` given.
public enum AdminRouter {
    /// `sessions`: the console's logins (`/login`, the session cookie); without it only bearer tokens work.
    public static func build(token: String?, health: HealthRoutes, metrics: IVRMetrics,
                             routes: [any AdminRoutes] = [], sessions: AdminSessions? = nil,
                             proxies: TrustedProxies = .init()) -> Router<IVRRequestContext> {
        let router = Router(context: IVRRequestContext.self)
        router.add(middleware: AdminAuthMiddleware<IVRRequestContext>(token: token, sessions: sessions, metrics: metrics,
                                                                      proxies: proxies))
        router.get("healthz") { _, _ in await health.full() }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        for group in routes { group.add(to: router) }
        return router
    }
}

/// `/healthz` in its two forms: the full report (admin) and the status only (public port, for load
/// balancers). Both answer 503 `{"status":"draining"}` during a drain.
public struct HealthRoutes: Sendable {
    let probe: WriteProbe
    let queueDepth: @Sendable () -> Int
    let draining: @Sendable () -> Bool
    /// This instance's id when several share PostgreSQL (the full report names it).
    let instance: String?
    /// The flows loaded, name → version (the full report lists them).
    let flows: @Sendable () -> [String: String]

    public init(store: any CallStore, queueDepth: @escaping @Sendable () -> Int = { 0 },
                draining: @escaping @Sendable () -> Bool = { false }, instance: String? = nil,
                flows: @escaping @Sendable () -> [String: String] = { [:] }) {
        self.probe = WriteProbe(store: store)
        self.queueDepth = queueDepth
        self.draining = draining
        self.instance = instance
        self.flows = flows
    }

    static let drainingReply = #"{"status":"draining"}"#

    public func full() async -> Response {
        if draining() { return Self.json(503, Self.drainingReply) }
        let report = HealthCheck.report(writable: await probe.writable(), webhookQueue: queueDepth(), instance: instance,
                                        flows: flows())
        return Self.json(report.status.httpCode, report.json)
    }

    public func statusOnly() async -> Response {
        if draining() { return Self.json(503, Self.drainingReply) }
        let report = HealthCheck.report(writable: await probe.writable(), webhookQueue: 0)
        return Self.json(report.status.httpCode, #"{"status":"\#(report.status.rawValue)"}"#)
    }

    static func json(_ code: Int, _ body: String) -> Response {
        Response(status: .init(code: code), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}
