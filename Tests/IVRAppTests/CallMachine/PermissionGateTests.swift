import Foundation
@testable import IVRApp
import Testing
import WhatsApp

/// The gate reads Meta's permission and limits as they come and the store's unanswered count.
@Suite struct PermissionGateTests {
    static let now = Date(timeIntervalSince1970: 1_767_000_000)
    static let gate = PermissionGate()

    static func limit(_ used: Int, of max: Int, period: String = "PT24H", resets: Date? = nil) -> CallPermission.Limit {
        .init(timePeriod: period, maxAllowed: max, currentUsage: used, expiresAt: resets)
    }

    @Test func temporaryPermissionWithinItsLimitsCalls() {
        let p = CallPermission(status: .temporary, expiresAt: Self.now + 3600,
                               actions: [.init(name: "start_call", canPerform: true, limits: [Self.limit(4, of: 10)])])
        #expect(Self.gate.decide(p, history: .init(), now: Self.now) == .call)
    }

    /// Whatever the number Meta sends (5, 10 or 100), it is the one applied, and named.
    @Test func anExhaustedLimitIsNamed() {
        let resets = Date(timeIntervalSince1970: 1_767_050_000)
        let p = CallPermission(status: .permanent, actions: [
            .init(name: "start_call", canPerform: false, limits: [Self.limit(100, of: 100, resets: resets)]),
        ])
        let decision = Self.gate.decide(p, history: .init(), now: Self.now)
        guard case let .refuse(refusal) = decision else {
            Issue.record("expected a refusal, got \(decision)")
            return
        }
        #expect(refusal.code == "call_limit")
        #expect(refusal.description == "start_call limit reached: 100 of 100 per PT24H; resets 2025-12-29T23:13:20Z")
    }

    @Test func anExpiredTemporaryPermissionAsksAgain() {
        let p = CallPermission(status: .temporary, expiresAt: Self.now - 1)
        #expect(Self.gate.decide(p, history: .init(), now: Self.now) == .requestPermission)
    }

    @Test func theRequestLimitIsRespected() {
        let p = CallPermission(status: .noPermission, actions: [
            .init(name: "send_call_permission_request", canPerform: false,
                  limits: [Self.limit(1, of: 1), Self.limit(1, of: 2, period: "P7D")]),
        ])
        #expect(Self.gate.decide(p, history: .init(), now: Self.now)
            == .refuse(.limitReached(action: "send_call_permission_request", limit: Self.limit(1, of: 1))))
    }

    /// Two unanswered in a row: the third call is not placed, so the fourth (auto-revoke) never comes.
    @Test func theUnansweredGuardStopsBeforeTheThirdCall() {
        let p = CallPermission(status: .permanent)
        #expect(Self.gate.decide(p, history: .init(consecutiveUnanswered: 1), now: Self.now) == .call)
        #expect(Self.gate.decide(p, history: .init(consecutiveUnanswered: 2), now: Self.now)
            == .refuse(.unansweredGuard(count: 2, threshold: 2)))
        let stricter = PermissionGate(unansweredThreshold: 1)
        #expect(stricter.decide(p, history: .init(consecutiveUnanswered: 1), now: Self.now)
            == .refuse(.unansweredGuard(count: 1, threshold: 1)))
    }

    @Test func requestsSwitchedOff() {
        let gate = PermissionGate(requestWhenMissing: false)
        #expect(gate.decide(CallPermission(status: .noPermission), history: .init(), now: Self.now)
            == .refuse(.noPermission(status: "no_permission")))
    }

    @Test func decodesMetasResponse() throws {
        let body = #"""
        {"messaging_product":"whatsapp","permission":{"status":"temporary","expiration_time":1767100000},
         "actions":[{"action_name":"send_call_permission_request","can_perform_action":true,
                     "limits":[{"time_period":"PT24H","max_allowed":1,"current_usage":0},
                               {"time_period":"P7D","max_allowed":2,"current_usage":1}]},
                    {"action_name":"start_call","can_perform_action":false,
                     "limits":[{"time_period":"PT24H","max_allowed":5,"current_usage":5,"limit_expiration_time":1767050000}]}]}
        """#
        let p = try CallPermission.decode(Array(body.utf8))
        #expect(p.status == .temporary)
        #expect(p.expiresAt == Date(timeIntervalSince1970: 1_767_100_000))
        #expect(p.action("start_call")?.limits == [Self.limit(5, of: 5, resets: Date(timeIntervalSince1970: 1_767_050_000))])
        #expect(p.action("send_call_permission_request")?.limits.count == 2)
    }
}
