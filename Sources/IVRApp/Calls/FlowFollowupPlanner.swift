import Flow
import Store
import WhatsApp
import Wire

/// Follow-ups from the flows' own `followup:` rules: the call's flow, in the version the call ran
/// (the catalog keeps earlier versions), is asked which message, if any, its rules choose for the
/// flow's own outcome and variables.
public struct FlowFollowupPlanner: FollowupPlanner {
    let catalog: FlowCatalog
    /// Also applied, after the flow's rules: the `outbox.followup` rule from the config, if any.
    let fallback: (any FollowupPlanner)?

    public init(catalog: FlowCatalog, fallback: (any FollowupPlanner)? = nil) {
        self.catalog = catalog
        self.fallback = fallback
    }

    public func plan(outcome: CallOutcome) -> [PlannedMessage] {
        planAll(outcome: outcome).messages
    }

    /// The flow's chosen rule (a message, or a `callback`), then the fallback's messages.
    public func planAll(outcome: CallOutcome) -> FollowupPlan {
        var planned = FollowupPlan(messages: [])
        if !outcome.caller.isEmpty, let name = outcome.flow, let flowOutcome = outcome.flowOutcome,
           let flow = catalog.flow(named: name, version: outcome.flowVersion) {
            let call = CallInfo(callID: outcome.callID, from: outcome.caller, phoneNumberID: outcome.phoneNumberID)
            switch flow.followup(outcome: flowOutcome, variables: flowOutcome.variables, call: call) {
            case let .voiceCallButton(body, displayText, ttl, payload)?:
                planned.messages.append(PlannedMessage(ruleKey: "flow.\(name).followup", message: .voiceCallButton(
                    to: outcome.caller, body: body, displayText: displayText, ttlMinutes: ttl, payload: payload)))
            case let .template(template, language, ttl, payload)?:
                planned.messages.append(PlannedMessage(ruleKey: "flow.\(name).followup", message: .template(
                    to: outcome.caller, name: template, languageCode: language, ttlMinutes: ttl, payload: payload)))
            case let .callback(target, variables, delay)?:
                planned.callbacks.append(PlannedCallback(recipient: outcome.caller, flow: target, variables: variables,
                                                         delayMinutes: delay))
            case nil:
                break
            }
        }
        if let fallback { planned.messages += fallback.plan(outcome: outcome) }
        return planned
    }
}

extension FlowValue {
    /// Variables are stored as `FlowValue.quoted` text (`"2"` for the string 2, `2` for the number):
    /// reading them back restores their type. Masked (redacted) values stay strings.
    static func parsing(_ text: String) -> FlowValue {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return .string(String(text.dropFirst().dropLast())) }
        if text == "null" { return .null }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let d = Double(text) { return .number(d) }
        return .string(text)
    }
}
