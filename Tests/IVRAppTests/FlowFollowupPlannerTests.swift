import Flow
import Foundation
import IVRApp
import IVRTesting
import Store
import Testing
import WhatsApp
import Wire

@Suite struct FlowFollowupPlannerTests {
    let catalog: FlowCatalog = {
        let root = Fixtures.repositoryRoot()
        let c = FlowCatalog(directory: root.appendingPathComponent("Flows").path,
                            promptsDirectory: root.appendingPathComponent("Prompts").path, defaultFlow: nil)
        c.reload()
        return c
    }()

    /// The outcome as the finalizer hands it over: the row's fields and the flow's own typed outcome.
    func outcome(flow: String, status: CallStatus = .completed, endReason: String = "terminate",
                 flowStatus: FlowOutcome.Status = .callerHungUp, path: [String],
                 variables: [String: FlowValue]) -> CallOutcome {
        var o = CallOutcome(callID: "wacid.F1", phoneNumberID: "106540352242922", caller: "13175551234", flow: flow,
                            status: status, endReason: endReason, path: path,
                            variables: variables.mapValues(\.quoted), receivedAt: Date(timeIntervalSince1970: 1_764_070_000))
        o.flowOutcome = FlowOutcome(status: flowStatus, reason: endReason, lastStep: path.last,
                                    path: path.map { PathEntry(step: $0, kind: "", enteredAt: Instant(nanoseconds: 0), exit: nil) },
                                    variables: variables, endedAt: Instant(nanoseconds: 0))
        return o
    }

    @Test func aCallerWhoHungUpInTheMenuGetsTheSupportButton() {
        let planned = FlowFollowupPlanner(catalog: catalog)
            .plan(outcome: outcome(flow: "main", path: ["welcome", "menu"], variables: [:]))
        #expect(planned == [PlannedMessage(ruleKey: "flow.main.followup", message: .voiceCallButton(
            to: "13175551234", body: "Sorry we missed you. Tap below to call us back.", displayText: "Call support",
            ttlMinutes: 1440, payload: "menu-2"))])
    }

    @Test func typedVariablesDriveTheRulesAndTemplatesRender() {
        let planned = FlowFollowupPlanner(catalog: catalog).plan(outcome: outcome(
            flow: "appointment", status: .completed, endReason: "hangup", flowStatus: .completed, path: ["greet", "end"],
            variables: ["decision": .string("2"), "code": .string("4711")]))
        #expect(planned.first?.message == .template(to: "13175551234", name: "appointment_rebook", languageCode: "en_US",
                                                    ttlMinutes: 4320, payload: "rebook-4711"))
    }

    @Test func noRuleMatchesNoMessage() {
        let planned = FlowFollowupPlanner(catalog: catalog)
            .plan(outcome: outcome(flow: "main", endReason: "hangup", flowStatus: .completed,
                                   path: ["welcome", "menu", "hours", "end"],
                                   variables: ["choice": .string("3"), "tries": .number(2)]))
        #expect(planned.isEmpty)
    }
}
