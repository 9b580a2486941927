import Foundation
import Store
import Testing

/// The calls we place and the permissions they need, on both stores.
@Suite struct OutboundStoreTests {
    let now = Date(timeIntervalSince1970: 1_764_070_000)

    func outbound(_ store: any CallStore) throws -> any OutboundStore {
        guard let s = store as? any OutboundStore else { throw TestSetupError("\(type(of: store)) has no outbound tables") }
        return s
    }

    @Test(arguments: Backend.allCases) func aPlacedCallIsRecordedOnceAndFoundByWhatsAppsID(_ backend: Backend) async throws {
        let base = try await backend.make()
        let store = try outbound(base)
        let row = CallRecord(id: "out.1", phoneNumberID: "42", caller: "4915112345678", direction: "BUSINESS_INITIATED",
                             flow: "reminder", status: .received, receivedAt: now)
        let request = OutboundCallRecord(id: "out.1", phoneNumberID: "42", recipient: "4915112345678", flow: "reminder",
                                         variablesJSON: #"{"name":"Ana"}"#, bizOpaqueCallbackData: "order-7", createdAt: now)
        #expect(try await store.insertOutboundCall(request, row: row))
        #expect(try await !store.insertOutboundCall(request, row: row), "the same id is not placed twice")
        #expect(try await base.call(id: "out.1")?.direction == "BUSINESS_INITIATED")
        #expect(try await store.callID(forWhatsAppCallID: "wacid.9") == nil)
        try await store.setWhatsAppCallID("wacid.9", forCall: "out.1")
        #expect(try await store.callID(forWhatsAppCallID: "wacid.9") == "out.1")
        var expected = request
        expected.waCallID = "wacid.9"
        #expect(try await store.outboundCall(id: "out.1") == expected)
    }

    @Test(arguments: Backend.allCases) func permissionsCountUnansweredCallsAndAGrantResetsThem(_ backend: Backend) async throws {
        let store = try outbound(try await backend.make())
        #expect(try await store.permission(phoneNumberID: "42", user: "4915112345678") == nil)
        try await store.savePermission(phoneNumberID: "42", user: "4915112345678", status: "temporary",
                                       expiresAt: now.addingTimeInterval(86_400), permissionJSON: #"{"permission":{}}"#,
                                       checkedAt: now, cacheUntil: now.addingTimeInterval(60))
        #expect(try await store.recordOutboundAttempt(phoneNumberID: "42", user: "4915112345678", answered: false, at: now) == 1)
        #expect(try await store.recordOutboundAttempt(phoneNumberID: "42", user: "4915112345678", answered: false, at: now) == 2)
        try await store.recordPermissionRequest(phoneNumberID: "42", user: "4915112345678", at: now.addingTimeInterval(5))
        var p = try #require(try await store.permission(phoneNumberID: "42", user: "4915112345678"))
        #expect(p.status == "temporary" && p.consecutiveUnanswered == 2 && p.cacheUntil == nil)
        #expect(p.lastRequestAt == now.addingTimeInterval(5) && p.permissionJSON == #"{"permission":{}}"#)
        try await store.applyPermissionReply(phoneNumberID: "42", user: "4915112345678", granted: true, permanent: true,
                                             expiresAt: nil, at: now.addingTimeInterval(9))
        p = try #require(try await store.permission(phoneNumberID: "42", user: "4915112345678"))
        #expect(p.status == "permanent" && p.consecutiveUnanswered == 0 && p.updatedAt == now.addingTimeInterval(9))
        try await store.applyPermissionReply(phoneNumberID: "42", user: "4915112345678", granted: false, permanent: false,
                                             expiresAt: nil, at: now.addingTimeInterval(10))
        #expect(try await store.permission(phoneNumberID: "42", user: "4915112345678")?.status == "no_permission")
    }

    @Test(arguments: Backend.allCases) func concurrentUnansweredCallsAreAllCounted(_ backend: Backend) async throws {
        let store = try outbound(try await backend.make())
        let now = self.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { try await store.recordOutboundAttempt(phoneNumberID: "42", user: "1555", answered: false, at: now) }
            }
            for try await _ in group {}
        }
        #expect(try await store.permission(phoneNumberID: "42", user: "1555")?.consecutiveUnanswered == 8)
    }
}
