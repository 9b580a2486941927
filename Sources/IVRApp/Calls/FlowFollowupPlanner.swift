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
        var planned: [PlannedMessage] = []
        if !outcome.caller.isEmpty, let name = outcome.flow, let flowOutcome = outcome.flowOutcome,
           let flow = catalog.flow(named: name, version: outcome.flowVersion) {
            let call = CallInfo(callID: outcome.callID, from: outcome.caller, phoneNumberID: outcome.phoneNumberID)
            if let message = flow.followup(outcome: flowOutcome, variables: flowOutcome.variables, call: call) {
                planned.append(PlannedMessage(ruleKey: "flow.\(name).followup", message: Self.message(message, to: outcome.caller)))
            }
        }
        if let fallback { planned += fallback.plan(outcome: outcome) }
        return planned
    }

    static func message(_ m: FollowupMessage, to recipient: String) -> OutboundMessage {
        switch m {
        case let .voiceCallButton(body, displayText, ttl, payload):
            return .voiceCallButton(to: recipient, body: body, displayText: displayText, ttlMinutes: ttl, payload: payload)
        case let .template(name, language, ttl, payload):
            return .template(to: recipient, name: name, languageCode: language, ttlMinutes: ttl, payload: payload)
        }
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
