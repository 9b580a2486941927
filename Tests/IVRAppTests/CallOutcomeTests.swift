import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IVRApp
import IVRTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Store
import Wire
import Testing
import WhatsApp

/// Call ends over live HTTP: the terminate webhook and our own hang-up, in either order, give one outcome,
/// one `call.outcome` log line and one follow-up message, sent to the loopback Graph stand-in.
@Suite struct CallOutcomeTests {
    static let secret = "outcome-secret"
    static let phoneNumberID = "106540352242922"
    static let caller = "13175551234"

    /// Plans one call-back button for every call of the `main` flow.
    struct MissedCallPlanner: FollowupPlanner {
        func plan(outcome: CallOutcome) -> [PlannedMessage] {
            guard outcome.flow == "main" else { return [] }
            return [PlannedMessage(ruleKey: "missed-call", message: .voiceCallButton(
                to: outcome.caller, body: "Thanks for calling (\(outcome.path.last ?? "-"))", displayText: "Call again",
                ttlMinutes: 60, payload: outcome.callID))]
        }
    }

    final class Lines: Sendable {
        let box = NIOLockedValueBox<[String]>([])
        var all: [String] { box.withLockedValue { $0 } }
        var outcomes: [[String: Any]] {
            all.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
                .filter { $0["event"] as? String == "call.outcome" }
        }
    }

    struct Harness {
        let server: IVRServer
        let standIn: GraphStandIn
        let lines: Lines

        func close() async {
            try? await server.shutdown()
            await standIn.stop()
        }

        var messageRequests: [GraphStandIn.Recorded] { standIn.requests.filter { $0.path.hasSuffix("/messages") } }
        func actions(_ name: String) -> [GraphStandIn.Recorded] {
            standIn.requests.filter { $0.json?["action"] as? String == name }
        }
    }

    static func harness() async throws -> Harness {
        let standIn = try await GraphStandIn.start()
        let dir = try Fixtures.temporaryDirectory("outcome")
        let flows = dir.appendingPathComponent("Flows")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        try "name: main\nnumbers: ['\(phoneNumberID)']\n".write(to: flows.appendingPathComponent("main.yaml"),
                                                              atomically: true, encoding: .utf8)
        var config = IVRConfig()
        config.http.host = "127.0.0.1"
        config.http.port = 0
        config.database = dir.appendingPathComponent("ivr.sqlite").path
        config.flowsDirectory = flows.path
        config.whatsapp.appSecret = secret
        config.whatsapp.verifyToken = "v"
        config.whatsapp.accessToken = "TOKEN"
        config.graph.baseURL = standIn.baseURL
        config.graph.retryBaseDelayMs = 5
        config.outbox.baseDelayMs = 5
        config.outbox.maxDelayMs = 20
        let lines = Lines()
        let outcomeLogger = Logger(label: "ivr.calls") { label in
            JSONLogHandler(label: label) { line in lines.box.withLockedValue { $0.append(line) } }
        }
        let server = try IVRServer(config: config, logger: Logger(label: "test"), planner: MissedCallPlanner(),
                                   outcomeLogger: outcomeLogger)
        return Harness(server: server, standIn: standIn, lines: lines)
    }

    static func post(_ client: some TestClientProtocol, _ body: [UInt8]) async throws -> HTTPResponse.Status {
        let headers: HTTPFields = [HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.sign(body: body, secret: secret),
                                   .contentType: "application/json"]
        return try await client.execute(uri: "/webhook", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: body)) { $0.status }
    }

    static func terminateBody(_ callID: String) throws -> [UInt8] {
        Array(try Fixtures.string("terminate.json")
            .replacingOccurrences(of: "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", with: callID).utf8)
    }

    static func statusBody(wamid: String, status: String) -> [UInt8] {
        Array("""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"phone_number_id":"\(phoneNumberID)","display_phone_number":"1"},
            "statuses":[{"id":"\(wamid)","status":"\(status)","timestamp":"1764070200","recipient_id":"\(caller)"}]}}]}]}
            """.utf8)
    }

    /// A live call as the media/flow side reports it: set-up milestones, steps, inputs, variables.
    static let remote = TransportAddress(host: "203.0.113.9", port: 3478) ?? TransportAddress(ip: .v4([0, 0, 0, 0]), port: 0)

    static func runCall(_ server: IVRServer, _ callID: String, receivedAt: Date) async throws {
        try await server.store.insertCall(CallRecord(id: callID, phoneNumberID: phoneNumberID, caller: caller, flow: "main",
                                                     status: .accepted, receivedAt: receivedAt,
                                                     connectedAt: receivedAt.addingTimeInterval(0.4)))
        let f = server.finalizer
        await f.recordFlow(callID: callID, flow: "main", versionHash: "sha256:abc123")
        let script: [(Double, CallEventKind, String)] = [
            (0.120, CallEventKind.preAccept, "answer sent"), (0.350, CallEventKind.connected, "ice+dtls"),
            (0.400, CallEventKind.step, "welcome"), (0.420, CallEventKind.firstAudio, "welcome"),
            (0.430, CallEventKind.prompt, "welcome"), (3.000, CallEventKind.step, "menu"),
            (4.000, CallEventKind.key, "1"), (5.000, CallEventKind.keyword, "sales (0.92)"),
            (5.100, CallEventKind.http, "POST https://crm.example/lookup → 200 (80 ms)"),
            (5.200, CallEventKind.step, "sales"),
        ]
        for (offset, kind, detail) in script {
            await f.recordEvent(callID: callID, kind: kind, detail: detail, at: receivedAt.addingTimeInterval(offset))
        }
        await f.recordVariables(callID: callID, ["account": "***", "choice": "sales"])
    }

    static func checkOutcomeLine(_ line: [String: Any], callID: String) {
        #expect(line["msg"] as? String == "call outcome")
        #expect(line["call_id"] as? String == callID)
        #expect(line["phone_number_id"] as? String == phoneNumberID)
        #expect(line["caller"] as? String == "***1234")
        #expect(line["flow"] as? String == "main")
        #expect(line["flow_version"] as? String == "sha256:abc123")
        #expect(line["path"] as? [String] == ["welcome", "menu", "sales"])
        #expect(line["inputs"] as? [String] == ["key:1", "keyword:sales (0.92)"])
        #expect(line["variables"] as? [String: String] == ["account": "***", "choice": "sales"])
        #expect(line["setup_ms"] as? [String: String] == ["pre_accept": "120", "connected": "350", "first_audio": "420"])
        #expect(line["followup"] as? String == "pending")
        #expect(line["followup_queued"] as? String == "1")
    }

    @Test func ourHangUpFirstThenTheTerminateWebhook() async throws {
        let h = try await Self.harness()
        let callID = "wacid.HANGFIRST"
        let received = Date(timeIntervalSince1970: 1_764_070_000)
        try await h.server.application().test(.live) { client in
            try await Self.runCall(h.server, callID, receivedAt: received)
            let result = await h.server.finalizer.finalize(callID: callID, phoneNumberID: Self.phoneNumberID,
                                                           reason: .hangup(.completed))
            guard case let .finalized(outcome, enqueued) = result else {
                Issue.record("expected finalized, got \(result)")
                return
            }
            #expect(enqueued == 1)
            #expect(outcome.status == .completed)
            #expect(outcome.endReason == "hangup")
            #expect(h.actions("terminate").map { $0.json?["call_id"] as? String } == [callID])
            #expect(try await Self.post(client, Self.terminateBody(callID)) == .ok)
            let store = h.server.store
            #expect(try await eventually { try await store.call(id: callID)?.waStatus == "COMPLETED" })
            #expect(try await eventually { try await store.outboxMessages(statuses: [.sent]).count == 1 })
            #expect(try await Self.post(client, Self.statusBody(wamid: "wamid.STANDIN1", status: "delivered")) == .ok)
            #expect(try await eventually { try await store.call(id: callID)?.followupStatus == "delivered" })
            // Our hang-up again (e.g. media closing after the flow ended) changes nothing.
            #expect(await h.server.finalizer.finalize(callID: callID, phoneNumberID: Self.phoneNumberID,
                                                      reason: .media(.peerClosed)) == .alreadyFinalized)
        }
        let row = try #require(try await h.server.store.call(id: callID))
        #expect(row.status == .completed)
        #expect(row.endReason == "hangup")
        #expect(row.durationSeconds == 87)
        #expect(row.errorCodes == "138021")
        #expect(row.waStartTime == Date(timeIntervalSince1970: 1_764_070_003))
        let outcomes = h.lines.outcomes
        #expect(outcomes.count == 1)
        if let line = outcomes.first {
            Self.checkOutcomeLine(line, callID: callID)
            #expect(line["status"] as? String == "completed")
            #expect(line["wa_status"] as? String == "-")
        }
        #expect(h.actions("terminate").count == 1)
        let messages = h.messageRequests
        #expect(messages.count == 1)
        #expect(messages.first?.json?["to"] as? String == Self.caller)
        let listed = try await h.server.store.calls()
        #expect(listed.first?.lastStep == "sales")
        #expect(listed.first?.call.followupStatus == "delivered")
        await h.close()
    }

    @Test func theTerminateWebhookFirstThenOurHangUp() async throws {
        let h = try await Self.harness()
        let callID = "wacid.TERMFIRST"
        try await h.server.application().test(.live) { client in
            try await Self.runCall(h.server, callID, receivedAt: Date(timeIntervalSince1970: 1_764_070_000))
            #expect(try await Self.post(client, Self.terminateBody(callID)) == .ok)
            // Redelivered: deduplicated, and finalization is guarded anyway.
            #expect(try await Self.post(client, Self.terminateBody(callID)) == .ok)
            let store = h.server.store
            #expect(try await eventually { try await store.call(id: callID)?.finalizedAt != nil })
            let result = await h.server.finalizer.finalize(callID: callID, phoneNumberID: Self.phoneNumberID,
                                                           reason: .hangup(.completed))
            #expect(result == .alreadyFinalized)
            #expect(try await eventually { try await store.outboxMessages(statuses: [.sent]).count == 1 })
        }
        let outcomes = h.lines.outcomes
        #expect(outcomes.count == 1)
        if let line = outcomes.first {
            Self.checkOutcomeLine(line, callID: callID)
            #expect(line["status"] as? String == "completed")
            #expect(line["end_reason"] as? String == "terminate")
            #expect(line["wa_status"] as? String == "COMPLETED")
            #expect(line["wa_duration_s"] as? String == "87")
            #expect(line["error_codes"] as? [String] == ["138021"])
        }
        #expect(h.actions("terminate").isEmpty, "WhatsApp ended the call: no terminate action")
        #expect(h.messageRequests.count == 1)
        await h.close()
    }

    @Test func bothEndsRacingStillGiveOneOutcomePerCall() async throws {
        let h = try await Self.harness()
        let ids = (0..<6).map { "wacid.RACE\($0)" }
        try await h.server.application().test(.live) { client in
            for id in ids { try await Self.runCall(h.server, id, receivedAt: Date()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ids {
                    group.addTask { _ = try await Self.post(client, Self.terminateBody(id)) }
                    group.addTask {
                        await h.server.finalizer.finalize(callID: id, phoneNumberID: Self.phoneNumberID,
                                                          reason: .media(.ice(.consentLost(remote: Self.remote, seconds: 30))))
                    }
                }
                try await group.waitForAll()
            }
            let store = h.server.store
            #expect(try await eventually {
                let sent = try await store.outboxMessages(statuses: [.sent]).count
                let calls = try await store.calls()
                return sent == ids.count && calls.allSatisfy { $0.call.waStatus == "COMPLETED" }
            })
        }
        let outcomes = h.lines.outcomes
        #expect(outcomes.count == ids.count)
        #expect(Set(outcomes.compactMap { $0["call_id"] as? String }) == Set(ids))
        #expect(h.messageRequests.count == ids.count)
        #expect(Set(h.messageRequests.compactMap { ($0.json?["interactive"] as? [String: Any]).flatMap {
            (($0["action"] as? [String: Any])?["parameters"] as? [String: Any])?["payload"] as? String } }) == Set(ids))
        await h.close()
    }

    @Test func theReportFormatsParseSinceAndMaskCallers() throws {
        let now = Date(timeIntervalSince1970: 1_764_070_000)
        #expect(CallsReport.parseSince("2h", now: now) == now.addingTimeInterval(-7200))
        #expect(CallsReport.parseSince("1d", now: now) == now.addingTimeInterval(-86_400))
        #expect(CallsReport.parseSince("30m", now: now) == now.addingTimeInterval(-1800))
        #expect(CallsReport.parseSince("2025-11-25", now: now) == Date(timeIntervalSince1970: 1_764_028_800))
        #expect(CallsReport.parseSince("2025-11-25T10:00:00Z", now: now) == Date(timeIntervalSince1970: 1_764_064_800))
        #expect(CallsReport.parseSince("yesterday", now: now) == nil)
        var row = CallRecord(id: "wacid.T", phoneNumberID: "42", caller: "13175551234", flow: "main", status: .completed,
                             receivedAt: now, durationSeconds: 87)
        row.followupStatus = "sent"
        let text = CallsReport.listText([CallSummary(call: row, lastStep: "sales")])
        #expect(text == """
            TIME                  CALL ID  NUMBER  CALLER   FLOW  DURATION  STATUS     LAST STEP  FOLLOW-UP
            2025-11-25 11:26:40Z  wacid.T  42      ***1234  main  87s       completed  sales      sent

            """)
        #expect(!CallsReport.listJSON([CallSummary(call: row, lastStep: "sales")]).contains("13175551234"))
    }

    @Test func theOutboxSectionIsReadFromTheConfig() throws {
        var config = IVRConfig()
        try ConfigLoader.apply(yaml: """
            outbox:
              max_age_seconds: 600
              poll_interval_ms: 250
              paused: true
              followup:
                on: [failed, rejected]
                template: call_us_back
                ttl_minutes: 1440
            """, source: "test.yaml", to: &config)
        #expect(config.outbox.maxAgeSeconds == 600)
        #expect(config.outbox.policy.pollInterval == .milliseconds(250))
        #expect(config.outbox.paused)
        #expect(config.outbox.followup?.statuses == ["failed", "rejected"])
        #expect(config.outbox.followup?.language == "en_US")
        #expect(throws: ConfigError(source: "test.yaml", line: 3,
                                    message: "outbox.followup.on: expected one of completed, failed, rejected, found 'done'")) {
            var c = IVRConfig()
            try ConfigLoader.apply(yaml: "outbox:\n  followup:\n    on: [done]\n    template: x\n", source: "test.yaml", to: &c)
        }
        var env = IVRConfig()
        try ConfigLoader.apply(environment: ["IVR_OUTBOX_PAUSED": "1"], to: &env)
        #expect(env.outbox.paused)
        let planner = ConfiguredFollowup(rule: try #require(config.outbox.followup))
        let outcome = CallOutcome(callID: "wacid.1", phoneNumberID: "42", caller: "13175551234", status: .failed,
                                  endReason: "terminate", receivedAt: Date())
        #expect(planner.plan(outcome: outcome) == [PlannedMessage(ruleKey: "config.followup", message: .template(
            to: "13175551234", name: "call_us_back", languageCode: "en_US", ttlMinutes: 1440, payload: nil))])
        var completed = outcome
        completed.status = .completed
        #expect(planner.plan(outcome: completed).isEmpty)
    }
}
