import Foundation
import Hummingbird
import NIOCore
import Store
import WhatsApp

/// Calls we place, on `/v1/calls`: `POST` places one; `GET /v1/calls/{id}` adds `outbound` to the detail.
extension ConsoleRoutes {
    /// `POST /v1/calls` `{to, flow, vars?, biz_opaque_callback_data?, phone_number_id?}`: 202 `{"id", "state"}`.
    /// The call goes on by itself (permission, ringing, the flow); `GET /v1/calls/{id}` follows it.
    func placeCall(_ request: Request, outbound: OutboundCalls) async -> Response {
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: 64 << 10)
        } catch {
            return JSONReply.error(.contentTooLarge, "the body is larger than 64 KiB")
        }
        let body: ConsoleAPI.PlaceCall
        do {
            body = try JSONDecoder().decode(ConsoleAPI.PlaceCall.self, from: Data(buffer: bytes))
        } catch {
            return JSONReply.error(.badRequest, "expected {\"to\": \"+15551234567\", \"flow\": \"reminder\", \"vars\": {…}}: \(error)")
        }
        do {
            let placed = try await outbound.place(OutboundCallRequest(
                to: body.to, flow: body.flow, variables: body.vars ?? [:],
                bizOpaqueCallbackData: body.bizOpaqueCallbackData, phoneNumberID: body.phoneNumberID))
            return JSONReply.encoded(.accepted, ConsoleAPI.PlacedCall(id: placed.callID, state: placed.state))
        } catch let error as OutboundRequestError {
            switch error {
            case .draining: return JSONReply.error(.serviceUnavailable, error.description)
            case .store: return JSONReply.error(.internalServerError, error.description)
            default: return JSONReply.error(.unprocessableContent, error.description)
            }
        } catch {
            return JSONReply.error(.internalServerError, "the call could not be placed: \(error)")
        }
    }

    /// What was asked for when we placed call `id`, and the user's permission as last known; nil for a
    /// call we did not place (and on a store without the outbound tables).
    func outboundView(id: String) async throws -> ConsoleAPI.Placed? {
        guard let store = store as? any OutboundStore, let r = try await store.outboundCall(id: id) else { return nil }
        let permission = try await store.permission(phoneNumberID: r.phoneNumberID, user: r.recipient)
        return ConsoleAPI.Placed(
            to: Redact.phone(r.recipient), phoneNumberID: r.phoneNumberID, flow: r.flow,
            bizOpaqueCallbackData: r.bizOpaqueCallbackData, waCallID: r.waCallID, placedAt: ConsoleFormat.iso(r.createdAt),
            permission: permission.map {
                ConsoleAPI.Permission(status: $0.status, expiresAt: ConsoleFormat.iso($0.expiresAt),
                                      consecutiveUnanswered: $0.consecutiveUnanswered)
            })
    }
}

extension ConsoleAPI {
    struct PlaceCall: Decodable {
        let to: String
        let flow: String
        let vars: [String: String]?
        let bizOpaqueCallbackData: String?
        let phoneNumberID: String?

        enum CodingKeys: String, CodingKey {
            case to, flow, vars, bizOpaqueCallbackData = "biz_opaque_callback_data", phoneNumberID = "phone_number_id"
        }
    }

    struct PlacedCall: Codable, Equatable {
        var id: String
        /// The call's first state (`checking_permission`).
        var state: String
    }

    /// The `outbound` part of a call we placed.
    struct Placed: Codable, Equatable {
        var to: String
        var phoneNumberID: String
        var flow: String
        var bizOpaqueCallbackData: String?
        var waCallID: String?
        var placedAt: String?
        var permission: Permission?

        enum CodingKeys: String, CodingKey {
            case to, phoneNumberID = "phone_number_id", flow, bizOpaqueCallbackData = "biz_opaque_callback_data"
            case waCallID = "wa_call_id", placedAt = "placed_at", permission
        }
    }

    /// The user's call permission for the business number, as we last stored it.
    struct Permission: Codable, Equatable {
        var status: String
        var expiresAt: String?
        var consecutiveUnanswered: Int

        enum CodingKeys: String, CodingKey {
            case status, expiresAt = "expires_at", consecutiveUnanswered = "consecutive_unanswered"
        }
    }

    /// `GET /v1/calls/{id}` for a call we were asked to place that has no call row.
    struct PlacedOnly: Codable, Equatable {
        var callID: String
        var outbound: Placed

        enum CodingKeys: String, CodingKey { case callID = "call_id", outbound }
    }
}
