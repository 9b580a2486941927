import Foundation
import Hummingbird
import Store
import WhatsApp

/// Calls to place later (`schedule_call` steps, `callback` follow-ups, campaign rows), on `/v1/scheduled-calls`:
/// the list (filters `state`, `origin`; newest first; `limit`/`offset`) and cancelling one that is not final.
extension ConsoleRoutes {
    func addScheduledCallsAPI(to router: Router<IVRRequestContext>) {
        router.get("v1/scheduled-calls") { request, _ in await api { try await listScheduledCalls(request) } }
        router.post("v1/scheduled-calls/:id/cancel") { _, context in
            await api { try await cancelScheduledCall(id: param(context, "id")) }
        }
    }

    private func scheduledCallStore() throws -> any ScheduledCallListing {
        guard let listing = store as? any ScheduledCallListing else { throw ScheduledCallsUnavailable() }
        return listing
    }

    func listScheduledCalls(_ request: Request) async throws -> Response {
        let fields = ConsoleFormat.form(request.uri.query)
        func value(_ key: String) -> String? {
            fields[key].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var state: ScheduledCallRecord.State?
        if let s = value("state") {
            guard let known = ScheduledCallRecord.State(rawValue: s) else {
                throw ConsoleInputError("state: \(s) is not one of \(ScheduledCallRecord.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = known
        }
        var origin: ScheduledCallRecord.Origin?
        if let o = value("origin") {
            guard let known = ScheduledCallRecord.Origin(rawValue: o) else {
                throw ConsoleInputError("origin: \(o) is not one of \(ScheduledCallRecord.Origin.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            origin = known
        }
        let limit = try ConsoleFormat.int(value("limit"), name: "limit", default: 50, range: 1...CallQuery.maxLimit)
        let offset = try ConsoleFormat.int(value("offset"), name: "offset", default: 0, range: 0...10_000_000)
        let page = try await scheduledCallStore().scheduledCalls(state: state, origin: origin, limit: limit, offset: offset)
        return JSONReply.encoded(.ok, ConsoleAPI.ScheduledCallList(
            scheduledCalls: page.rows.map(ConsoleAPI.ScheduledCall.init), total: page.total, limit: limit, offset: offset))
    }

    func cancelScheduledCall(id: String) async throws -> Response {
        do {
            let row = try await scheduledCallStore().cancelScheduledCall(id: id, at: now())
            return JSONReply.encoded(.ok, ConsoleAPI.ScheduledCall(row))
        } catch let e as ScheduledCallCancelError {
            switch e {
            case .notFound: throw ConsoleNotFound(e.description)
            case .final: return JSONReply.error(.conflict, e.description)
            }
        }
    }
}

/// The store has no `scheduled_calls` table (both of ours have it; a store built elsewhere may not): 501.
struct ScheduledCallsUnavailable: Error, CustomStringConvertible {
    var description: String { "this store keeps no scheduled calls" }
}

extension ConsoleAPI {
    struct ScheduledCallList: Codable, Equatable {
        var scheduledCalls: [ScheduledCall]
        var total: Int
        var limit: Int
        var offset: Int

        enum CodingKeys: String, CodingKey { case scheduledCalls = "scheduled_calls", total, limit, offset }
    }

    /// One `scheduled_calls` row; the number redacted, the starting variables left out.
    struct ScheduledCall: Codable, Equatable {
        var id: String
        var state: String
        var origin: String
        var flow: String
        var to: String
        var phoneNumberID: String?
        var notBefore: String?
        var originCallID: String?
        var campaignID: String?
        var campaignRow: Int?
        var attempts: Int
        var callID: String?
        var lastResult: String?
        var createdAt: String?
        var updatedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, state, origin, flow, to, phoneNumberID = "phone_number_id", notBefore = "not_before"
            case originCallID = "origin_call_id", campaignID = "campaign_id", campaignRow = "campaign_row", attempts
            case callID = "call_id", lastResult = "last_result", createdAt = "created_at", updatedAt = "updated_at"
        }

        init(_ r: ScheduledCallRecord) {
            id = r.id
            state = r.state.rawValue
            origin = r.origin.rawValue
            flow = r.flow
            to = Redact.phone(r.recipient)
            phoneNumberID = r.phoneNumberID
            notBefore = ConsoleFormat.iso(r.notBefore)
            originCallID = r.originCallID
            campaignID = r.campaignID
            campaignRow = r.campaignRow
            attempts = r.attempts
            callID = r.callID
            lastResult = r.lastResult
            createdAt = ConsoleFormat.iso(r.createdAt)
            updatedAt = ConsoleFormat.iso(r.updatedAt)
        }
    }
}
