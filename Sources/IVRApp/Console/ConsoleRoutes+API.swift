import Foundation
import Hummingbird
import Store

/// `/v1`: the console's queries as JSON, and placing a call (Deploy/openapi.yaml). Errors are `{"error": "..."}`.
extension ConsoleRoutes {
    func addAPI(to router: Router<IVRRequestContext>) {
        router.get("v1/calls") { request, _ in await api { try await listCalls(request) } }
        if let outbound {
            router.post("v1/calls") { request, _ in await placeCall(request, outbound: outbound) }
            addCampaigns(to: router, outbound: outbound)
        }
        addScheduledCallsAPI(to: router)
        router.get("v1/calls/:id") { _, context in await api { try await showCall(id: param(context, "id")) } }
        router.get("v1/flows/:name/stats") { request, context in
            await api { try await flowStats(request, name: param(context, "name")) }
        }
        router.post("v1/outbox/:id/retry") { _, context in
            await api {
                let text = param(context, "id")
                guard let id = Int64(text) else { throw ConsoleInputError("\(text) is not an outbox message id") }
                let m: OutboxMessage
                do { m = try await store.retryOutbox(id: id, at: now()) } catch let e as StoreError {
                    if case .noSuchOutboxMessage = e { throw ConsoleNotFound(e.description) }
                    throw ConsoleInputError(e.description)
                }
                wakeOutbox()
                return JSONReply.encoded(.ok, ConsoleAPI.Message(m))
            }
        }
    }

    func api(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let e as ConsoleInputError {
            return JSONReply.error(.badRequest, e.description)
        } catch let e as ConsoleNotFound {
            return JSONReply.error(.notFound, e.description)
        } catch let e as ScheduledCallsUnavailable {
            return JSONReply.error(.notImplemented, e.description)
        } catch {
            return JSONReply.error(.internalServerError, "the database could not be read: \(error)")
        }
    }

    func listCalls(_ request: Request) async throws -> Response {
        let query = try ConsoleFormat.callQuery(ConsoleFormat.form(request.uri.query), now: now())
        let page = try await store.callPage(query)
        return JSONReply.encoded(.ok, ConsoleAPI.CallList(calls: page.calls.map(ConsoleAPI.CallItem.init),
                                                          total: page.total, limit: query.limit, offset: query.offset))
    }

    /// The call's detail; for a call we placed, with what was asked for (`outbound`). A call we placed is
    /// found by WhatsApp's id too.
    func showCall(id: String) async throws -> Response {
        let v: CallView
        do {
            v = try await callView(id: id)
        } catch let notFound as ConsoleNotFound {
            if let ours = try await (store as? any OutboundStore)?.callID(forWhatsAppCallID: id), ours != id {
                return try await showCall(id: ours)
            }
            // Only the request, no call row (never written, or removed by hand): the request alone.
            guard let placed = try await outboundView(id: id) else { throw notFound }
            return JSONReply.encoded(.ok, ConsoleAPI.PlacedOnly(callID: id, outbound: placed))
        }
        let c = v.call
        var setup: [String: Int] = [:]
        setup["pre_accept"] = c.setupPreAcceptMs
        setup["connected"] = c.setupConnectedMs
        setup["first_audio"] = c.setupFirstAudioMs
        let detail = ConsoleAPI.CallDetail(
            call: ConsoleAPI.CallItem(CallSummary(call: c, lastStep: v.lastStep)),
            path: v.events.filter { $0.kind == .step }.map(\.detail),
            inputs: c.finalizedAt == nil
                ? v.events.filter { $0.kind == .key || $0.kind == .keyword }.map { "\($0.kind):\($0.detail)" } : c.inputs,
            variables: v.variables,
            errorCodes: c.errorCodes.map { $0.split(separator: ",").map(String.init) } ?? [],
            setupMs: setup,
            events: v.events.map { ConsoleAPI.Event(at: ConsoleFormat.iso($0.at), kind: $0.kind.rawValue, detail: $0.detail) },
            outbox: v.outbox.map(ConsoleAPI.Message.init),
            recordings: v.recordings,
            outbound: try await outboundView(id: c.id))
        return JSONReply.encoded(.ok, detail)
    }

    func flowStats(_ request: Request, name: String) async throws -> Response {
        guard let flow = catalog.flow(named: name) else { throw ConsoleNotFound("no flow named \(name) is loaded") }
        let r = try funnelRequest(ConsoleFormat.form(request.uri.query), flow: flow)
        let funnel = try await store.funnel(flow: name, version: r.version, since: r.since, until: r.until)
        return JSONReply.encoded(.ok, ConsoleAPI.FlowStats(flow: name, version: r.version, since: ConsoleFormat.iso(r.since),
                                                           until: ConsoleFormat.iso(r.until), funnel: funnel))
    }
}
