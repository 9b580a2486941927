import Foundation
import Store
import Testing

/// The console's queries on the store: filters, paging, the outcome classes and the per-step funnel,
/// over calls written by hand (a known set of scripted calls). On both stores.
@Suite struct ConsoleQueryTests {
    let t0 = Date(timeIntervalSince1970: 1_764_070_000)

    /// Writes a call with its step events and finalizes it (when `endReason` is given) the way the daemon does.
    func place(_ store: any CallStore, _ id: String, at offset: TimeInterval, flow: String = "main", version: String = "v1",
               number: String = "106540352242922", caller: String = "13175551234", direction: String = "USER_INITIATED",
               path: [String], exits: [String] = [], endReason: String?, status: CallStatus = .completed) async throws {
        var row = CallRecord(id: id, phoneNumberID: number, caller: caller, direction: direction, flow: flow,
                             status: .accepted, receivedAt: t0.addingTimeInterval(offset))
        row.flowVersion = version
        try await store.insertCall(row)
        for (i, step) in path.enumerated() {
            try await store.recordEvent(callID: id, kind: .step, detail: step,
                                        at: t0.addingTimeInterval(offset + Double(i) + 0.5))
            if i < exits.count {
                try await store.recordEvent(callID: id, kind: .exit, detail: "\(step): \(exits[i])",
                                            at: t0.addingTimeInterval(offset + Double(i) + 0.9))
            }
        }
        guard let endReason else { return }
        _ = try await store.finalizeCall(id: id, at: t0.addingTimeInterval(offset + 30), endDetail: endReason) { r, _, _ in
            r.endReason = endReason
            r.status = status
            return []
        }
    }

    /// 6 calls into main.yaml: 3 press 1 (sales), 2 hang up in the menu, 1 times out (menu → goodbye → end).
    func sixScriptedCalls(_ store: any CallStore) async throws {
        for i in 0..<3 {
            try await place(store, "wacid.S\(i)", at: Double(i) * 60, path: ["welcome", "menu", "sales", "goodbye", "end"],
                            exits: ["next", "key 1", "next", "next", "hangup completed"], endReason: "hangup")
        }
        for i in 0..<2 {
            try await place(store, "wacid.H\(i)", at: 200 + Double(i) * 60, path: ["welcome", "menu"],
                            exits: ["next", "caller hung up"], endReason: "terminate")
        }
        try await place(store, "wacid.T0", at: 400, path: ["welcome", "menu", "goodbye", "end"],
                        exits: ["next", "failure (no input)", "next", "hangup completed"], endReason: "hangup")
    }

    @Test(arguments: Backend.allCases) func theFunnelOfSixScriptedCalls(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await sixScriptedCalls(store)
        let f = try await store.funnel(flow: "main")
        #expect(f.calls == 6)
        #expect(f.withoutSteps == 0)
        #expect(f.step("welcome")?.reached == 6)
        #expect(f.step("menu")?.reached == 6)
        #expect(f.step("menu")?.ended == 2)
        #expect(f.step("menu")?.endedBy == ["caller_hung_up": 2])
        #expect(f.step("sales")?.reached == 3)
        #expect(f.step("sales")?.ended == 0)
        #expect(f.step("goodbye")?.reached == 4)
        #expect(f.step("end")?.reached == 4)
        #expect(f.step("end")?.ended == 4)
        // The timed-out call went on to goodbye and end: it ended there because of no input.
        #expect(f.step("end")?.endedBy == ["completed": 3, "no_input": 1])
        #expect(f.step("menu")?.leftBy == ["key 1": 3, "caller hung up": 2, "failure (no input)": 1])
        #expect(f.step("welcome")?.leftBy == ["next": 6])
        #expect(f.edge(from: nil, to: "welcome") == 6)
        #expect(f.edge(from: "welcome", to: "menu") == 6)
        #expect(f.edge(from: "menu", to: "sales") == 3)
        #expect(f.edge(from: "menu", to: "goodbye") == 1)
        #expect(f.edge(from: "sales", to: "goodbye") == 3)
        #expect(f.outcomes == ["completed": 4, "caller_hung_up": 2])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(f)) as? [String: Any]
        let menu = (json?["steps"] as? [[String: Any]])?.first { $0["step"] as? String == "menu" }
        #expect(menu?["left_by"] as? [String: Int] == ["key 1": 3, "caller hung up": 2, "failure (no input)": 1])
        #expect(f.steps.map(\.step) == ["welcome", "menu", "sales", "goodbye", "end"])
    }

    @Test func whyACallEndedComesFromItsLastInput() {
        func call(_ exits: [(String, String)], _ outcome: CallOutcomeClass) -> FunnelCall {
            FunnelCall(callID: "c", path: exits.map(\.0), outcome: outcome,
                       exits: exits.map { FunnelCall.StepExit(step: $0.0, exit: $0.1) })
        }
        // A menu that gives up with no on_failure: the flow fails the call.
        #expect(call([("menu", "failure (no input)")], .failed).endedBecause == "no_input")
        #expect(call([("menu", "failure (invalid input)")], .failed).endedBecause == "invalid_input")
        // A failed try, then a good key: the input did not end the call.
        #expect(call([("menu", "failure (invalid input)"), ("menu2", "key 2"), ("bye", "hangup done")], .completed)
            .endedBecause == "completed")
        // The caller hung up, or we erred: those are the reason whatever the input was.
        #expect(call([("menu", "failure (no input)")], .callerHungUp).endedBecause == "caller_hung_up")
        #expect(call([("menu", "failure (no input)")], .error).endedBecause == "error")
        #expect(call([("welcome", "next")], .completed).endedBecause == "completed")
        #expect(FunnelCall.parseExit("menu: said \"sales: east\"")! == ("menu", "said \"sales: east\""))
        #expect(FunnelCall.parseExit("no colon") == nil)
    }

    @Test func aLoopCountsOneCallOnceButEveryVisit() {
        let f = FlowFunnel(calls: [
            FunnelCall(callID: "a", path: ["menu", "hours", "menu", "hours", "menu"], outcome: .callerHungUp),
            FunnelCall(callID: "b", path: [], outcome: .rejected),
        ])
        #expect(f.step("menu")?.reached == 1)
        #expect(f.step("menu")?.visits == 3)
        #expect(f.edge(from: "menu", to: "hours") == 1)
        #expect(f.edge(from: "hours", to: "menu") == 1)
        #expect(f.withoutSteps == 1)
        #expect(f.outcomes == ["caller_hung_up": 1, "rejected": 1])
    }

    @Test(arguments: Backend.allCases) func theFunnelIsPerVersionAndTimeRange(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await sixScriptedCalls(store)
        try await place(store, "wacid.V2", at: 1000, version: "v2", path: ["welcome", "menu", "support"], endReason: nil)
        try await place(store, "wacid.OTHER", at: 1000, flow: "voicemail", path: ["greet"], endReason: "hangup")
        #expect(try await store.funnel(flow: "main").calls == 7)
        let v2 = try await store.funnel(flow: "main", version: "v2")
        #expect(v2.calls == 1)
        #expect(v2.step("support")?.reached == 1)
        #expect(v2.step("support")?.endedBy == ["in_progress": 1])
        let late = try await store.funnel(flow: "main", since: t0.addingTimeInterval(150), until: t0.addingTimeInterval(500))
        #expect(late.calls == 3)   // H0, H1, T0
        #expect(try await store.flowVersions(flow: "main").map(\.version) == ["v2", "v1"])
        #expect(try await store.flowVersions(flow: "main").map(\.calls) == [1, 6])
    }

    @Test(arguments: Backend.allCases) func filtersAndPaging(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await sixScriptedCalls(store)
        try await place(store, "wacid.OUT", at: 500, number: "999", caller: "4915112345678", direction: "BUSINESS_INITIATED",
                        path: ["welcome"], endReason: "media_failure", status: .failed)
        try await place(store, "wacid.LIVE", at: 600, path: ["welcome", "menu"], endReason: nil)

        let all = try await store.callPage(CallQuery(limit: 3))
        #expect(all.total == 8)
        #expect(all.calls.map(\.call.id) == ["wacid.LIVE", "wacid.OUT", "wacid.T0"])
        #expect(all.calls.first?.lastStep == "menu")
        #expect(all.hasNext && !all.hasPrevious)
        let last = try await store.callPage(CallQuery(limit: 3, offset: 6))
        #expect(last.calls.map(\.call.id) == ["wacid.S1", "wacid.S0"])
        #expect(!last.hasNext && last.hasPrevious)

        func ids(_ q: CallQuery) async throws -> Set<String> { Set(try await store.callPage(q).calls.map(\.call.id)) }
        #expect(try await ids(CallQuery(outcome: .callerHungUp)) == ["wacid.H0", "wacid.H1"])
        #expect(try await ids(CallQuery(outcome: .error)) == ["wacid.OUT"])
        #expect(try await ids(CallQuery(outcome: .inProgress)) == ["wacid.LIVE"])
        #expect(try await ids(CallQuery(outcome: .completed)).count == 4)
        #expect(try await ids(CallQuery(direction: "BUSINESS_INITIATED")) == ["wacid.OUT"])
        #expect(try await ids(CallQuery(number: "999")) == ["wacid.OUT"])
        #expect(try await ids(CallQuery(number: "4915112345678")) == ["wacid.OUT"])
        #expect(try await ids(CallQuery(since: t0.addingTimeInterval(400), until: t0.addingTimeInterval(600)))
                == ["wacid.T0", "wacid.OUT"])
        #expect(try await ids(CallQuery(flow: "voicemail")).isEmpty)
        #expect(try await store.liveCalls(since: t0).map(\.call.id) == ["wacid.LIVE"])
    }

    @Test(arguments: Backend.allCases) func everyOutcomeClassAgreesWithItsSQL(_ backend: Backend) async throws {
        let store = try await backend.make()
        let cases: [(String, String?, CallStatus)] = [
            ("terminate", "terminate", .completed), ("terminate-failed", "terminate", .failed),
            ("hangup", "hangup", .completed), ("hangup-failed", "hangup", .failed),
            ("rejected", "rejected", .rejected), ("reject-failed", "rejected", .failed),
            ("shutdown", "shutdown", .failed), ("media", "media_failure", .failed), ("consent", "consent_lost", .failed),
            ("interrupted", "interrupted", .failed), ("setup", "setup_failed", .failed),
            ("no-answer", "no_answer", .failed), ("declined", "declined", .rejected), ("guard", "unanswered_guard", .failed),
            ("denied", "permission_denied", .failed), ("graph", "graph_error", .failed),
        ]
        for (i, c) in cases.enumerated() {
            try await place(store, c.0, at: Double(i), path: [], endReason: c.1, status: c.2)
        }
        try await place(store, "live", at: 100, path: [], endReason: nil)
        for outcome in CallOutcomeClass.allCases {
            let page = try await store.callPage(CallQuery(outcome: outcome, limit: 100))
            for s in page.calls { #expect(CallOutcomeClass.of(s.call) == outcome, "\(s.call.id)") }
        }
        // Calls we placed that never reached the user are their own class, not errors (nor rejections).
        #expect(Set(try await store.callPage(CallQuery(outcome: .notReached, limit: 100)).calls.map(\.call.id))
                == ["no-answer", "declined", "guard", "denied"])
        #expect(try await store.callPage(CallQuery(outcome: .error, limit: 100)).calls.contains { $0.call.id == "graph" })
        let classified = try await store.callPage(CallQuery(limit: 100)).calls
        var counted = 0
        for outcome in CallOutcomeClass.allCases { counted += try await store.callPage(CallQuery(outcome: outcome)).total }
        #expect(counted == classified.count)
    }

    /// More calls than the funnel reads: it reads the newest (a week of a busy flow shows this week's end, not
    /// its start), and only their steps.
    @Test(arguments: Backend.allCases) func aCappedFunnelReadsTheNewestCalls(_ backend: Backend) async throws {
        let store = try await backend.make()
        try await sixScriptedCalls(store)
        let calls = try await store.funnelCalls(flow: "main", version: nil, since: nil, until: nil, limit: 2)
        #expect(calls.map(\.callID) == ["wacid.H1", "wacid.T0"])
        #expect(calls.map(\.path) == [["welcome", "menu"], ["welcome", "menu", "goodbye", "end"]])
    }
}
