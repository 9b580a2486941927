import Flow
import Foundation
import Hummingbird
import Store
import WhatsApp

/// The console (server-rendered pages) and the `/v1` JSON API on the admin listener, behind
/// `AdminAuthMiddleware`. Read-only, except retrying an outbox message (a POST form with the
/// session's CSRF token, or `POST /v1/outbox/{id}/retry` with the bearer token) and placing a call
/// (`POST /v1/calls`, when `outbound` is given).
public struct ConsoleRoutes: AdminRoutes {
    let store: any CallStore
    let catalog: FlowCatalog
    let sessions: AdminSessions
    let graphviz: GraphvizRenderer
    let recordings: ConsoleRecordings
    /// Wakes the outbox worker after a retry, so the message goes now rather than at its next poll.
    let wakeOutbox: @Sendable () -> Void
    let now: @Sendable () -> Date
    /// Places calls (`POST /v1/calls`); nil: that route is not served.
    let outbound: OutboundCalls?
    let renderer = ConsoleRenderer.shared

    public init(store: any CallStore, catalog: FlowCatalog, sessions: AdminSessions,
                graphviz: GraphvizRenderer = GraphvizRenderer(), recordingsDirectory: String = "var/recordings",
                wakeOutbox: @escaping @Sendable () -> Void = {}, outbound: OutboundCalls? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.catalog = catalog
        self.sessions = sessions
        self.graphviz = graphviz
        self.recordings = ConsoleRecordings(directory: recordingsDirectory)
        self.wakeOutbox = wakeOutbox
        self.outbound = outbound
        self.now = now
    }

    public func add(to router: Router<IVRRequestContext>) {
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/calls"]) }
        router.get("console.css") { _, _ in ConsoleRenderer.css() }
        router.get("calls") { request, _ in await page(request) { try await callsPage(request) } }
        router.get("calls.csv") { request, _ in await page(request) { try await callsCSV(request) } }
        router.get("calls/:id") { request, context in
            await page(request) { try await callPage(request, id: param(context, "id")) }
        }
        router.get("calls/:id/recordings/:name") { request, context in
            await page(request) { try recording(id: param(context, "id"), name: param(context, "name")) }
        }
        router.get("flows") { request, _ in await page(request) { flowsPage(request) } }
        router.get("flows/:name") { request, context in
            await page(request) { try await flowPage(request, name: param(context, "name")) }
        }
        router.get("outbox") { request, _ in await page(request) { try await outboxPage(request) } }
        router.post("outbox/:id/retry") { request, context in
            await page(request) { try await retryForm(request, id: param(context, "id")) }
        }
        router.get("live") { request, _ in await page(request) { try await livePage(request) } }
        addAPI(to: router)
    }

    /// A route parameter, percent-decoded.
    func param(_ context: IVRRequestContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The CSRF token of the request's session (nil for bearer requests: they get no forms).
    func csrf(_ request: Request) -> String? {
        AdminSessions.cookieValue(request.headers[.cookie]).flatMap { sessions.session(id: $0, now: now()) }?.csrf
    }

    /// Runs a page; bad input is a 400 page, a store failure a 500 page — never a dropped connection.
    func page(_ request: Request, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let e as ConsoleInputError {
            return renderer.error(.badRequest, e.description, csrf: csrf(request))
        } catch let e as ConsoleNotFound {
            return renderer.error(.notFound, e.description, csrf: csrf(request))
        } catch {
            return renderer.error(.internalServerError, "the console could not read the database: \(error)",
                                  csrf: csrf(request))
        }
    }

    static func options(_ values: [String], selected: String?) -> [[String: Any]] {
        values.map { ["value": $0, "selected": $0 == selected] }
    }
}

/// A call, flow, message or file the console does not know: answered with 404.
struct ConsoleNotFound: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
