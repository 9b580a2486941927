import Foundation
import Hummingbird
import NIOCore
import Store

/// Campaigns on `/v1/campaigns` (admin listener, bearer token): make one from JSON or CSV, list them,
/// show one with its counts, pause, resume, cancel. The dialer places their rows.
extension ConsoleRoutes {
    func addCampaigns(to router: Router<IVRRequestContext>, outbound: OutboundCalls) {
        guard let rows = store as? any DialerStore else { return }
        router.post("v1/campaigns") { request, _ in await api { try await startCampaign(request, rows, outbound) } }
        router.get("v1/campaigns") { _, _ in await api { try await listCampaigns(rows) } }
        router.get("v1/campaigns/:id") { _, context in
            await api { try await showCampaign(id: param(context, "id"), rows) }
        }
        for (verb, state) in [("pause", CampaignRecord.State.paused), ("resume", .running), ("cancel", .cancelled)] {
            router.post("v1/campaigns/:id/\(verb)") { _, context in
                await api { try await changeCampaign(id: param(context, "id"), to: state, verb: verb, rows) }
            }
        }
    }

    /// `POST /v1/campaigns`: JSON `{flow, rows: [{to, vars}], rate, window, tz, max_attempts, retry_after}`,
    /// or a CSV body (`to,<var>…`) with the settings in the query string. 201 with the campaign.
    func startCampaign(_ request: Request, _ rows: any DialerStore, _ outbound: OutboundCalls) async throws -> Response {
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: 16 << 20)
        } catch {
            return JSONReply.error(.contentTooLarge, "the body is larger than 16 MiB")
        }
        let asked: CampaignRequest
        do {
            asked = try Self.campaignRequest(Data(buffer: bytes), contentType: request.headers[.contentType],
                                             query: ConsoleFormat.form(request.uri.query))
        } catch let error as CampaignRequestError {
            return JSONReply.error(.badRequest, error.description)
        } catch {
            return JSONReply.error(.badRequest, "expected {\"flow\": \"reminder\", \"rows\": [{\"to\": \"+15551234567\", "
                + "\"vars\": {…}}], \"rate\": \"2/s\", \"window\": \"09:00-18:00\", \"tz\": \"Europe/Berlin\"}: \(error)")
        }
        let built: (CampaignRecord, [ScheduledCallRecord])
        do {
            built = try asked.build(now: now(), knownFlow: { outbound.calls.context.catalog?.flow(named: $0) != nil })
        } catch {
            return JSONReply.error(.badRequest, error.description)
        }
        try await rows.insertCampaign(built.0, rows: built.1)
        return JSONReply.encoded(.created, try await campaignView(built.0, rows))
    }

    static func campaignRequest(_ data: Data, contentType: String?, query: [String: String]) throws -> CampaignRequest {
        if let type = contentType?.lowercased(), type.hasPrefix("text/csv") {
            let rows = try CampaignCSV.rows(String(decoding: data, as: UTF8.self))
            guard let flow = query["flow"], !flow.isEmpty else {
                throw CampaignRequestError.query("a CSV body needs ?flow=<name> in the query string")
            }
            // A misspelt setting (`windw=`) would otherwise be dropped, and the campaign run without it.
            if let unknown = query.keys.sorted().first(where: { !ConsoleAPI.NewCampaign.settings.contains($0) }) {
                throw CampaignRequestError.query("unknown query parameter '\(unknown)'; the settings are "
                    + ConsoleAPI.NewCampaign.settings.sorted().joined(separator: ", "))
            }
            var maxAttempts: Int?
            if let v = query["max_attempts"] {
                guard let n = Int(v) else {
                    throw CampaignRequestError.query("max_attempts must be a whole number, got '\(v)'")
                }
                maxAttempts = n
            }
            return CampaignRequest(name: query["name"], flow: flow, phoneNumberID: query["phone_number_id"], rows: rows,
                                   rate: query["rate"], window: query["window"], timeZone: query["tz"],
                                   maxAttempts: maxAttempts, retryAfter: query["retry_after"])
        }
        let body = try JSONDecoder().decode(ConsoleAPI.NewCampaign.self, from: data)
        try ConsoleAPI.NewCampaign.refuseUnknownFields(data)
        return CampaignRequest(name: body.name, flow: body.flow, phoneNumberID: body.phoneNumberID,
                               rows: body.rows.map { CampaignRequest.Row(to: $0.to, vars: $0.vars ?? [:]) },
                               rate: body.rate, window: body.window, timeZone: body.tz, maxAttempts: body.maxAttempts,
                               retryAfter: body.retryAfter?.text)
    }

    func listCampaigns(_ rows: any DialerStore) async throws -> Response {
        var out: [CampaignView] = []
        for c in try await rows.campaigns() { out.append(try await campaignView(c, rows)) }
        return JSONReply.encoded(.ok, ["campaigns": out])
    }

    func showCampaign(id: String, _ rows: any DialerStore) async throws -> Response {
        guard let c = try await rows.campaign(id: id) else { throw ConsoleNotFound("no campaign \(id)") }
        return JSONReply.encoded(.ok, try await campaignView(c, rows))
    }

    func changeCampaign(id: String, to state: CampaignRecord.State, verb: String, _ rows: any DialerStore) async throws
        -> Response {
        switch try await rows.changeCampaign(id: id, to: state, at: now()) {
        case let .changed(c): return JSONReply.encoded(.ok, try await campaignView(c, rows))
        case .notFound: throw ConsoleNotFound("no campaign \(id)")
        case let .notAllowed(current): return JSONReply.error(.conflict, "cannot \(verb) a campaign that is \(current.rawValue)")
        }
    }

    func campaignView(_ c: CampaignRecord, _ rows: any DialerStore) async throws -> CampaignView {
        let p = try await rows.campaignProgress(id: c.id)
        return CampaignView(id: c.id, name: c.name, flow: c.flow, phoneNumberID: c.phoneNumberID, state: c.state.rawValue,
                                   rate: c.rate, window: c.window, tz: c.timeZone, maxAttempts: c.maxAttempts,
                                   retryAfter: c.retryAfter, createdAt: ConsoleFormat.iso(c.createdAt),
                                   total: p.total, finished: p.finished, byState: p.byState, byResult: p.byResult)
    }
}

extension ConsoleAPI {
    struct NewCampaign: Decodable {
        struct Row: Decodable {
            let to: String
            let vars: [String: String]?
        }

        /// `retry_after`: seconds, or a string with a unit (`30m`).
        struct Duration: Decodable {
            let text: String
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let n = try? c.decode(Int.self) { text = String(n) } else { text = try c.decode(String.self) }
            }
        }

        let name: String?
        let flow: String
        let phoneNumberID: String?
        let rows: [Row]
        let rate: String?
        let window: String?
        let tz: String?
        let maxAttempts: Int?
        let retryAfter: Duration?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, flow, phoneNumberID = "phone_number_id", rows, rate, window, tz
            case maxAttempts = "max_attempts", retryAfter = "retry_after"
        }

        /// The settings a campaign takes (JSON fields besides `rows`; query parameters of a CSV upload).
        static let settings = Set(CodingKeys.allCases.map(\.rawValue)).subtracting(["rows"])

        /// A misspelt field (`"windows"`, `"max_attempt"`) is refused by name: ignored, the campaign would run
        /// without the setting (calling at any hour, once).
        static func refuseUnknownFields(_ data: Data) throws {
            let names = try JSONDecoder().decode(FieldNames.self, from: data)
            let known = Set(CodingKeys.allCases.map(\.rawValue))
            if let unknown = names.fields.sorted().first(where: { !known.contains($0) }) {
                throw CampaignRequestError.query("unknown field '\(unknown)'; the fields are "
                    + known.sorted().joined(separator: ", "))
            }
            for (i, row) in names.rows.enumerated() {
                if let unknown = row.fields.sorted().first(where: { $0 != "to" && $0 != "vars" }) {
                    throw CampaignRequestError.query("rows[\(i)]: unknown field '\(unknown)'; a row has 'to' and 'vars'")
                }
            }
        }

        /// The field names of the body and of each row.
        struct FieldNames: Decodable {
            struct Key: CodingKey {
                let stringValue: String
                init(stringValue: String) { self.stringValue = stringValue }
                var intValue: Int? { nil }
                init?(intValue: Int) { nil }
            }

            struct Row: Decodable {
                let fields: [String]
                init(from decoder: any Decoder) throws {
                    fields = try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue)
                }
            }

            let fields: [String]
            let rows: [Row]

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Key.self)
                fields = c.allKeys.map(\.stringValue)
                rows = try c.decodeIfPresent([Row].self, forKey: Key(stringValue: "rows")) ?? []
            }
        }
    }
}
