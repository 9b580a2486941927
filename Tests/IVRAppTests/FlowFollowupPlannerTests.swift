import Foundation
import IVRApp
import IVRTesting
import Store
import Testing
import WhatsApp

@Suite struct FlowFollowupPlannerTests {
    let catalog: FlowCatalog = {
        let root = Fixtures.repositoryRoot()
        let c = FlowCatalog(directory: root.appendingPathComponent("Flows").path,
                            promptsDirectory: root.appendingPathComponent("Prompts").path, defaultFlow: nil)
        c.reload()
        return c
    }()

    func outcome(flow: String, status: CallStatus = .completed, endReason: String = "terminate",
                 path: [String], variables: [String: String]) -> CallOutcome {
        CallOutcome(callID: "wacid.F1", phoneNumberID: "106540352242922", caller: "13175551234", flow: flow,
                    status: status, endReason: endReason, path: path, variables: variables,
                    receivedAt: Date(timeIntervalSince1970: 1_764_070_000))
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
            flow: "appointment", status: .completed, endReason: "hangup", path: ["greet", "end"],
            variables: ["decision": "\"2\"", "code": "\"4711\""]))
        #expect(planned.first?.message == .template(to: "13175551234", name: "appointment_rebook", languageCode: "en_US",
                                                    ttlMinutes: 4320, payload: "rebook-4711"))
    }

    @Test func noRuleMatchesNoMessage() {
        let planned = FlowFollowupPlanner(catalog: catalog)
            .plan(outcome: outcome(flow: "main", endReason: "hangup", path: ["welcome", "menu", "hours", "end"],
                                   variables: ["choice": "\"3\"", "tries": "2"]))
        #expect(planned.isEmpty)
    }
}
