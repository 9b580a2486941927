import Flow
import Foundation
import Hummingbird
import Store

extension ConsoleRoutes {
    func flowsPage(_ request: Request) -> Response {
        let flows: [[String: Any]] = catalog.flowNames.compactMap { name in
            guard let flow = catalog.flow(named: name) else { return nil }
            return ["name": name, "path": ConsoleFormat.encode(name), "description": flow.description ?? "",
                    "version": flow.versionHash]
        }
        return renderer.html("flows", ["title": "Flows", "navFlows": true, "csrf": csrf(request) as Any, "flows": flows])
    }

    /// The funnel's inputs from a query: range (default the last 7 days) and version (default the loaded one).
    struct FunnelRequest {
        var since: Date?
        var until: Date?
        var sinceText: String
        var untilText: String
        /// nil: every version.
        var version: String?
    }

    func funnelRequest(_ fields: [String: String], flow: Flow) throws -> FunnelRequest {
        let sinceText = fields["since"] ?? "7d", untilText = fields["until"] ?? ""
        var since: Date?, until: Date?
        if !sinceText.isEmpty {
            guard let d = CallsReport.parseSince(sinceText, now: now()) else {
                throw ConsoleInputError("since: \(sinceText) is not 24h, 7d or an ISO date")
            }
            since = d
        }
        if !untilText.isEmpty {
            guard let d = CallsReport.parseSince(untilText, now: now()) else {
                throw ConsoleInputError("until: \(untilText) is not 24h, 7d or an ISO date")
            }
            until = d
        }
        let version: String? = switch fields["version"] {
        case nil: flow.versionHash
        case ""?, "all"?: nil
        case let v?: v
        }
        return FunnelRequest(since: since, until: until, sinceText: sinceText, untilText: untilText, version: version)
    }

    func flowPage(_ request: Request, name: String) async throws -> Response {
        guard let current = catalog.flow(named: name) else { throw ConsoleNotFound("no flow named \(name) is loaded") }
        let fields = ConsoleFormat.form(request.uri.query)
        let r = try funnelRequest(fields, flow: current)
        let flow = catalog.flow(named: name, version: r.version)
        let funnel = try await store.funnel(flow: name, version: r.version, since: r.since, until: r.until)
        var svg = "", graphError: String?
        if let flow {
            do { svg = try await graphviz.svg(FlowGraph.dot(flow, overlay: FunnelOverlay.make(funnel))) } catch {
                graphError = "The graph is not drawn: \(error)"
            }
            if let v = r.version, v != flow.versionHash {
                graphError = "Version \(v) is not loaded any more: the graph shows the current one."
            }
        }
        var versions: [[String: Any]] = [["value": "all", "label": "all versions", "selected": r.version == nil]]
        var seen = Set<String>()
        for v in [FlowVersionCount(version: current.versionHash, calls: -1, lastCallAt: nil)]
            + (try await store.flowVersions(flow: name)) where seen.insert(v.version).inserted {
            let label = v.version == current.versionHash ? "\(v.version) (loaded)" : "\(v.version) (\(v.calls) calls)"
            versions.append(["value": v.version, "label": label, "selected": v.version == r.version])
        }
        let context: [String: Any] = [
            "title": "Flow \(name)", "navFlows": true, "csrf": csrf(request) as Any,
            "flowPath": ConsoleFormat.encode(name), "since": r.sinceText, "until": r.untilText, "versions": versions,
            "calls": funnel.calls, "withoutSteps": funnel.withoutSteps, "hasWithoutSteps": funnel.withoutSteps > 0,
            "query": ConsoleFormat.queryString([("since", r.sinceText), ("until", r.untilText),
                                                ("version", r.version ?? "all")]),
            "svg": svg, "graphError": graphError as Any,
            "steps": funnel.steps.map { s -> [String: Any] in
                ["step": s.step, "reached": s.reached, "visits": s.visits, "ended": s.ended,
                 "endedBy": s.endedBy.isEmpty ? "-" : FunnelOverlay.endedBy(s.endedBy),
                 "leftBy": s.leftBy.isEmpty ? "-" : FunnelOverlay.endedBy(s.leftBy)]
            },
        ]
        return renderer.html("flow", context)
    }
}
