import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IVRApp
import NIOCore
@testable import Store
import Testing

/// `/v1/calls` for calls we place, on the admin listener in-process: `POST` is behind the token and
/// refuses bad requests before anything is recorded; `GET /v1/calls/{id}` is the console's detail with
/// an `outbound` part, found by WhatsApp's id too, and the request alone when it has no call row.
/// (A placed call end to end: Tests/daemon/test_outbound.py, Tests/e2e/test_outbound.py.)
@Suite struct PlaceCallRoutesTests {
    static let token = ConsoleRoutesTests.token
    static let number = WebhookHTTPTests.phoneNumberID
    static let t0 = Date(timeIntervalSince1970: 1_764_070_000)

    static func harness() async throws -> WebhookHTTPTests.Harness {
        try await WebhookHTTPTests.harness { $0.admin.token = token }
    }

    static func post(_ client: some TestClientProtocol, _ body: String, bearer: String? = token)
        async throws -> ConsoleRoutesTests.Reply {
        var headers = HTTPFields()
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/v1/calls", method: .post, headers: headers,
                                        body: ByteBuffer(string: body)) { r in (r.status, String(buffer: r.body), r.headers) }
    }

    /// A call we placed to 15551234567 (`out.T1`), WhatsApp's id `wacid.T1`, one unanswered call counted.
    static func placed(_ store: Store) async throws {
        let row = CallRecord(id: "out.T1", phoneNumberID: number, caller: "15551234567", direction: "BUSINESS_INITIATED",
                             flow: "support", status: .received, receivedAt: t0)
        let request = OutboundCallRecord(id: "out.T1", phoneNumberID: number, recipient: "15551234567", flow: "support",
                                         variablesJSON: #"{"name":"Ana"}"#, bizOpaqueCallbackData: "booking-42",
                                         createdAt: t0)
        #expect(try await store.insertOutboundCall(request, row: row))
        try await store.setWhatsAppCallID("wacid.T1", forCall: "out.T1")
        try await store.recordOutboundAttempt(phoneNumberID: number, user: "15551234567", answered: false, at: t0)
    }

    @Test func placingNeedsTheTokenAndAValidRequest() async throws {
        let h = try await Self.harness()
        defer { Task { await h.close() } }
        let valid = #"{"to": "+15551234567", "flow": "support"}"#
        try await h.server.adminApplication().test(.router) { client in
            #expect(try await Self.post(client, valid, bearer: nil).status == .unauthorized)
            #expect(try await Self.post(client, valid, bearer: "wrong-token-0123456789").status == .unauthorized)
            let malformed = try await Self.post(client, #"{"to": 15551234567}"#)
            #expect(malformed.status == .badRequest && malformed.body.contains(#""error""#))
            let flow = try await Self.post(client, #"{"to": "+15551234567", "flow": "nope"}"#)
            #expect(flow.status == .unprocessableContent && flow.body.contains("no flow named 'nope'"))
            let to = try await Self.post(client, #"{"to": "call me", "flow": "support"}"#)
            #expect(to.status == .unprocessableContent && to.body.contains("international format"))
            let opaque = String(repeating: "x", count: 513)
            let long = try await Self.post(client, #"{"to": "15551234567", "flow": "support", "biz_opaque_callback_data": "\#(opaque)"}"#)
            #expect(long.status == .unprocessableContent && long.body.contains("at most 512"))
        }
        // Nothing was recorded, nothing was asked of the Graph API.
        #expect(try await h.server.store.callPage(CallQuery()).total == 0)
        #expect(h.standIn.requests.isEmpty)
    }

    @Test func theDetailOfACallWePlacedHasItsRequest() async throws {
        let h = try await Self.harness()
        defer { Task { await h.close() } }
        try await Self.placed(try #require(h.server.store as? Store))
        try await h.server.adminApplication().test(.router) { client in
            let r = try await ConsoleRoutesTests.request(client, "/v1/calls/out.T1", bearer: Self.token)
            #expect(r.status == .ok, "\(r.body)")
            let detail = try JSONDecoder().decode(ConsoleAPI.CallDetail.self, from: Data(r.body.utf8))
            #expect(detail.call.callID == "out.T1" && detail.call.direction == "BUSINESS_INITIATED")
            #expect(detail.call.caller == "***4567")
            let outbound = try #require(detail.outbound)
            #expect(outbound.to == "***4567" && outbound.flow == "support" && outbound.phoneNumberID == Self.number)
            #expect(outbound.waCallID == "wacid.T1" && outbound.bizOpaqueCallbackData == "booking-42")
            #expect(outbound.permission?.consecutiveUnanswered == 1 && outbound.permission?.status == "no_permission")
            #expect(!r.body.contains("15551234567"))
            // WhatsApp's id names the same call.
            let byWhatsApp = try await ConsoleRoutesTests.request(client, "/v1/calls/wacid.T1", bearer: Self.token)
            #expect(byWhatsApp.status == .ok && byWhatsApp.body == r.body)
        }
    }

    @Test func anInboundCallHasNoOutboundPart() async throws {
        let h = try await Self.harness()
        defer { Task { await h.close() } }
        try await h.server.store.insertCall(CallRecord(id: "wacid.IN1", phoneNumberID: Self.number, caller: "15550001111",
                                                       flow: "support", status: .accepted, receivedAt: Self.t0))
        try await h.server.adminApplication().test(.router) { client in
            let r = try await ConsoleRoutesTests.request(client, "/v1/calls/wacid.IN1", bearer: Self.token)
            #expect(r.status == .ok)
            #expect(!r.body.contains(#""outbound""#))
            #expect(try JSONDecoder().decode(ConsoleAPI.CallDetail.self, from: Data(r.body.utf8)).outbound == nil)
        }
    }

    @Test func aRequestWithoutItsCallRowIsShownAlone() async throws {
        let h = try await Self.harness()
        defer { Task { await h.close() } }
        let store = try #require(h.server.store as? Store)
        try await Self.placed(store)
        try await store.writer.write { db in try db.execute(sql: "DELETE FROM calls WHERE id = 'out.T1'") }
        try await h.server.adminApplication().test(.router) { client in
            for id in ["out.T1", "wacid.T1"] {
                let r = try await ConsoleRoutesTests.request(client, "/v1/calls/\(id)", bearer: Self.token)
                #expect(r.status == .ok, "\(id): \(r.body)")
                let alone = try JSONDecoder().decode(ConsoleAPI.PlacedOnly.self, from: Data(r.body.utf8))
                #expect(alone.callID == "out.T1" && alone.outbound.waCallID == "wacid.T1")
            }
            #expect(try await ConsoleRoutesTests.request(client, "/v1/calls/out.nope", bearer: Self.token).status == .notFound)
        }
    }
}
