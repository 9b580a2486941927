import Foundation
import Hummingbird
import NIOCore
import Store

/// `/v1/calls` on the admin listener (behind its bearer token):
/// - `POST /v1/calls` `{to, flow, vars?, biz_opaque_callback_data?, phone_number_id?}` places a call and
///   answers 202 `{"id", "state"}` (the call continues on its own: permission, ringing, the flow);
/// - `GET /v1/calls/{id}` answers the call's row: status, end reason, direction, WhatsApp's id.
public struct CallsAPI: AdminRoutes {
    let outbound: OutboundCalls
    let store: Store

    public init(outbound: OutboundCalls, store: Store) {
        self.outbound = outbound
        self.store = store
    }

    struct PlaceBody: Decodable {
        let to: String
        let flow: String
        let vars: [String: String]?
        let biz_opaque_callback_data: String?
        let phone_number_id: String?
    }

    struct Placed: Encodable {
        let id: String
        let state: String
    }

    struct CallView: Encodable {
        let id: String
        let direction: String
        let to: String
        let flow: String?
        let status: String
        let end_reason: String?
        let reason: String?
        let wa_call_id: String?
        let biz_opaque_callback_data: String?
    }

    public func add(to router: Router<IVRRequestContext>) {
        router.post("v1/calls") { request, _ -> Response in
            let bytes: ByteBuffer
            do {
                bytes = try await request.body.collect(upTo: 64 << 10)
            } catch {
                return JSONReply.error(.contentTooLarge, "the body is larger than 64 KiB")
            }
            let body: PlaceBody
            do {
                body = try JSONDecoder().decode(PlaceBody.self, from: Data(buffer: bytes))
            } catch {
                return JSONReply.error(.badRequest, "expected {\"to\": \"+15551234567\", \"flow\": \"reminder\", \"vars\": {…}}: \(error)")
            }
            do {
                let placed = try await outbound.place(OutboundCallRequest(
                    to: body.to, flow: body.flow, variables: body.vars ?? [:],
                    bizOpaqueCallbackData: body.biz_opaque_callback_data, phoneNumberID: body.phone_number_id))
                return JSONReply.encoded(.accepted, Placed(id: placed.callID, state: placed.state))
            } catch let error as OutboundRequestError {
                switch error {
                case .draining: return JSONReply.error(.serviceUnavailable, error.description)
                case .store: return JSONReply.error(.internalServerError, error.description)
                default: return JSONReply.error(.unprocessableContent, error.description)
                }
            }
        }
        router.get("v1/calls/:id") { _, context -> Response in
            guard let id = context.parameters.get("id") else { return JSONReply.error(.badRequest, "no call id") }
            guard let row = try? await store.call(id: id) else { return JSONReply.error(.notFound, "no call \(id)") }
            let request = try? await store.outboundCall(id: id)
            return JSONReply.encoded(.ok, CallView(
                id: row.id, direction: row.direction, to: row.caller, flow: row.flow, status: row.status.rawValue,
                end_reason: row.endReason, reason: row.reason, wa_call_id: request?.waCallID,
                biz_opaque_callback_data: request?.bizOpaqueCallbackData))
        }
    }
}
