import Flow
import Foundation
import Hummingbird
import NIOCore
import Store
import WhatsApp

extension ConsoleRoutes {
    static let directions = ["USER_INITIATED", "BUSINESS_INITIATED"]

    func callsPage(_ request: Request) async throws -> Response {
        let fields = ConsoleFormat.form(request.uri.query)
        let query = try ConsoleFormat.callQuery(fields, now: now())
        let page = try await store.callPage(query)
        let rows: [[String: Any]] = page.calls.map { s in
            let c = s.call
            return ["time": ConsoleFormat.time(c.receivedAt), "id": c.id, "idPath": ConsoleFormat.encode(c.id),
                    "number": c.phoneNumberID, "caller": Redact.phone(c.caller), "flow": c.flow ?? "-",
                    "duration": ConsoleFormat.duration(c), "outcome": CallOutcomeClass.of(c).rawValue,
                    "lastStep": s.lastStep ?? "-", "followup": c.followupStatus ?? "-"]
        }
        let context: [String: Any] = [
            "title": "Calls", "navCalls": true, "csrf": csrf(request) as Any, "rows": rows,
            "filter": ["since": fields["since"] ?? "", "until": fields["until"] ?? "", "number": fields["number"] ?? ""],
            "flowOptions": Self.options(catalog.flowNames, selected: query.flow),
            "outcomeOptions": Self.options(CallOutcomeClass.allCases.map(\.rawValue), selected: query.outcome?.rawValue),
            "directionOptions": Self.options(Self.directions, selected: query.direction),
            "total": page.total, "any": !page.calls.isEmpty, "first": query.offset + 1,
            "last": query.offset + page.calls.count,
            "query": ConsoleFormat.queryString(fields, offset: nil),
            "previous": page.hasPrevious ? ConsoleFormat.queryString(fields, offset: max(0, query.offset - query.limit)) as Any : false as Any,
            "next": page.hasNext ? ConsoleFormat.queryString(fields, offset: query.offset + query.limit) as Any : false as Any,
        ]
        return renderer.html("calls", context)
    }

    /// Every matching call (up to 100,000, newest first) as CSV; formula-like cells are neutralised.
    func callsCSV(_ request: Request) async throws -> Response {
        var fields = ConsoleFormat.form(request.uri.query)
        fields["limit"] = nil
        var query = try ConsoleFormat.callQuery(fields, now: now(), limitDefault: CallQuery.maxLimit)
        var out = ConsoleFormat.csvLine(["received_at", "call_id", "phone_number_id", "caller", "direction", "flow",
                                         "flow_version", "status", "outcome", "end_reason", "duration_seconds",
                                         "last_step", "followup"])
        var written = 0
        while written < 100_000 {
            let page = try await store.callPage(query)
            for s in page.calls {
                let c = s.call
                out += ConsoleFormat.csvLine([ConsoleFormat.iso(c.receivedAt) ?? "", c.id, c.phoneNumberID,
                                              Redact.phone(c.caller), c.direction, c.flow ?? "", c.flowVersion ?? "",
                                              c.status.rawValue, CallOutcomeClass.of(c).rawValue, c.endReason ?? "",
                                              c.durationSeconds.map(String.init) ?? "", s.lastStep ?? "",
                                              c.followupStatus ?? ""])
            }
            written += page.calls.count
            guard page.hasNext else { break }
            query.offset += query.limit
        }
        var headers = ConsoleRenderer.securityHeaders
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = #"attachment; filename="calls.csv""#
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: out)))
    }

    /// One call with everything the console may show of it.
    struct CallView {
        var call: CallRecord
        var events: [CallEvent]
        var outbox: [OutboxMessage]
        var flow: Flow?
        var variables: [String: String]
        var recordings: [String]
        var lastStep: String?
    }

    func callView(id: String) async throws -> CallView {
        guard let call = try await store.call(id: id) else { throw ConsoleNotFound("no call with id \(id)") }
        let events = try await store.events(callID: id)
        let outbox = try await store.outboxMessages(callID: id)
        let flow = call.flow.flatMap { catalog.flow(named: $0, version: call.flowVersion) }
        return CallView(call: call, events: events, outbox: outbox, flow: flow,
                        variables: CallRedaction.stored(call.variables, flow: flow),
                        recordings: recordings.names(callID: id),
                        lastStep: events.last { $0.kind == .step }?.detail)
    }

    func callPage(_ request: Request, id: String) async throws -> Response {
        let v = try await callView(id: id)
        let c = v.call
        let path = v.events.filter { $0.kind == .step }.map(\.detail)
        var svg = "", graphError: String?
        if let flow = v.flow {
            do { svg = try await graphviz.svg(FlowGraph.dot(flow, overlay: .path(path))) } catch {
                graphError = "The graph is not drawn: \(error)"
            }
            if let version = c.flowVersion, version != flow.versionHash {
                graphError = "This call ran version \(version), which is no longer loaded; the graph shows the current one."
            }
        } else if c.flow != nil {
            graphError = "The flow \(c.flow ?? "") is not loaded: no graph."
        }
        let form = csrf(request)
        let context: [String: Any] = [
            "title": "Call \(c.id)", "navCalls": true, "csrf": form as Any,
            "caller": Redact.phone(c.caller), "number": c.phoneNumberID, "direction": c.direction,
            "flow": c.flow as Any, "flowPath": ConsoleFormat.encode(c.flow ?? ""), "version": c.flowVersion as Any,
            "outcome": CallOutcomeClass.of(c).rawValue, "status": c.status.rawValue, "endReason": c.endReason as Any,
            "received": ConsoleFormat.time(c.receivedAt), "duration": ConsoleFormat.duration(c),
            "errors": c.errorCodes ?? "-", "followup": c.followupStatus ?? "-",
            "path": path, "svg": svg, "graphError": graphError as Any,
            "variables": v.variables.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
            "inputs": c.finalizedAt == nil
                ? v.events.filter { $0.kind == .key || $0.kind == .keyword }.map { "\($0.kind):\($0.detail)" } : c.inputs,
            "events": v.events.map { e -> [String: Any] in
                let offset = WireTime.rounded(e.at.timeIntervalSince(c.receivedAt), scale: 1000)
                    .map { String(format: "%+.3fs", Double($0) / 1000) } ?? "?"
                return ["offset": offset, "time": ConsoleFormat.time(e.at),
                        "kind": e.kind.rawValue, "detail": e.detail]
            },
            "messages": outboxRows(v.outbox, csrf: form),
            "hasRecordings": !v.recordings.isEmpty,
            "recordings": v.recordings.map { ["name": $0, "url": "/calls/\(ConsoleFormat.encode(c.id))/recordings/\(ConsoleFormat.encode($0))"] },
        ]
        return renderer.html("call", context)
    }

    /// A recording, as `audio/wav`, to the admin only (the route is behind the middleware).
    func recording(id: String, name: String) throws -> Response {
        guard let path = recordings.path(callID: id, name: name),
              let data = FileManager.default.contents(atPath: path) else {
            throw ConsoleNotFound("no recording \(name) for call \(id)")
        }
        var headers = ConsoleRenderer.securityHeaders
        headers[.contentType] = "audio/wav"
        headers[.contentDisposition] = "inline; filename=\"\(name.replacingOccurrences(of: "\"", with: "_"))\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
