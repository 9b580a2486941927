import AsyncHTTPClient
import Foundation
@testable import IVRApp
import IVRTesting
import Logging
import Store
import Testing
import WhatsApp

/// A signed terminate with absurd times and durations is recorded, never trapped on; reports and
/// outcomes convert intervals to integers without trapping either.
@Suite struct AbsurdNumbersTests {
    static func terminate(start: String, end: String, duration: String) throws -> CallTerminate {
        let text = try Fixtures.string("terminate.json")
            .replacingOccurrences(of: #""start_time": "1764070003""#, with: #""start_time": \#(start)"#)
            .replacingOccurrences(of: #""end_time": "1764070090""#, with: #""end_time": \#(end)"#)
            .replacingOccurrences(of: #""duration": 87"#, with: #""duration": \#(duration)"#)
        guard case let .terminate(t)? = try WebhookDecoder.decode(Array(text.utf8)).first else {
            throw WebhookDecodingError(path: "$", message: "no terminate in the fixture")
        }
        return t
    }

    @Test(arguments: [(#""1e300""#, #""1e300""#, "1e300"), (#""inf""#, #""nan""#, "-5"),
                      (#""-1e18""#, "9.9e307", #""99999999999999999999""#)])
    func anAbsurdTerminateIsRecordedWithWhatIsSane(_ values: (String, String, String)) async throws {
        let t = try Self.terminate(start: values.0, end: values.1, duration: values.2)
        let store = try Store(inMemoryNamed: "absurd-\(UUID().uuidString)")
        let graph = GraphClient(http: .shared, endpoint: .meta(baseURL: "http://127.0.0.1:9", accessToken: "t"),
                                retry: .none, logger: Logger(label: "test"))
        let received = Date(timeIntervalSince1970: 1_764_070_100)
        let finalizer = CallFinalizer(store: store, graph: graph, logger: Logger(label: "test"), now: { received })
        let result = await finalizer.finalize(terminate: t, at: received)
        guard case let .finalized(outcome, _) = result else {
            Issue.record("expected the call to be finalized, got \(result)")
            return
        }
        #expect(outcome.callID == t.callID)
        #expect(outcome.whatsAppDurationSeconds == nil)
        #expect(outcome.connectedSeconds == nil)
        let row = try #require(try await store.call(id: t.callID))
        #expect(row.endedAt == received)
        #expect(row.waStartTime == nil)
        #expect(row.waEndTime == received)
        #expect(row.durationSeconds == nil)
        #expect(row.reason == CallFinalizer.unknownCallReason)
    }

    @Test func outcomesAndReportsNeverTrapOnHugeIntervals() {
        var row = CallRecord(id: "c", phoneNumberID: "1", caller: "15550001111", status: .completed,
                             receivedAt: Date(timeIntervalSince1970: 0), connectedAt: .distantPast, endedAt: .distantFuture)
        #expect(CallOutcome(row).connectedSeconds == nil)
        #expect(CallsReport.duration(row) == "-")
        #expect(CallsReport.listText([CallSummary(call: row, lastStep: nil)]).contains("c  "))
        row.connectedAt = Date(timeIntervalSince1970: 10)
        row.endedAt = Date(timeIntervalSince1970: 97.4)
        #expect(CallOutcome(row).connectedSeconds == 87)
        let event = CallEvent(callID: "c", at: .distantFuture, kind: .step, detail: "menu")
        let lines = CallsReport.showText(row, events: [event], outbox: []).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("?  ") && $0.hasSuffix("step  menu") })
    }

    @Test func sinceRejectsAmountsThatAreNotDates() {
        let now = Date(timeIntervalSince1970: 1_764_070_000)
        #expect(CallsReport.parseSince("2h", now: now) == now.addingTimeInterval(-7200))
        #expect(CallsReport.parseSince("1e300d", now: now) == nil)
        #expect(CallsReport.parseSince("infw", now: now) == nil)
        #expect(CallsReport.parseSince("nanm", now: now) == nil)
        #expect(CallsReport.parseSince("99999999999w", now: now) == nil)
    }
}
