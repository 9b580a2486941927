import Flow
import Store
import WhatsApp
import Wire

/// Follow-ups from the flows' own `followup:` rules: the call's flow (the version the catalog
/// serves now) is asked which message, if any, its rules choose for this outcome and variables.
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
        if !outcome.caller.isEmpty, let name = outcome.flow, let flow = catalog.flow(named: name) {
            let variables = outcome.variables.mapValues(FlowValue.parsing)
            let flowOutcome = FlowOutcome(
                status: Self.status(outcome), reason: outcome.endReason, lastStep: outcome.path.last,
                path: outcome.path.map { PathEntry(step: $0, kind: flow.kind(ofStep: $0) ?? "", enteredAt: Instant(nanoseconds: 0), exit: nil) },
                variables: variables, endedAt: Instant(nanoseconds: 0))
            let call = CallInfo(callID: outcome.callID, from: outcome.caller, phoneNumberID: outcome.phoneNumberID)
            if let message = flow.followup(outcome: flowOutcome, variables: variables, call: call) {
                planned.append(PlannedMessage(ruleKey: "flow.\(name).followup", message: Self.message(message, to: outcome.caller)))
            }
        }
        if let fallback { planned += fallback.plan(outcome: outcome) }
        return planned
    }

    /// The flow language's outcome status for a call's end.
    static func status(_ o: CallOutcome) -> FlowOutcome.Status {
        switch o.endReason {
        case "media_failure", "consent_lost": return .mediaFailed
        case "terminate": return o.status == .completed ? .callerHungUp : .failed
        case "hangup": return o.status == .completed ? .completed : .failed
        default: return o.status == .completed ? .completed : .failed
        }
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
