import Store
import WhatsApp

/// One follow-up message the planner wants sent. `ruleKey` names the rule that produced it; the outbox
/// keeps at most one message per (call, rule key).
public struct PlannedMessage: Sendable, Equatable {
    public var ruleKey: String
    public var message: OutboundMessage

    public init(ruleKey: String, message: OutboundMessage) {
        self.ruleKey = ruleKey
        self.message = message
    }
}

/// Decides which messages follow a call. Called inside the outcome's transaction, so it must be quick and
/// pure (no I/O). The flow engine will implement it from the flows' follow-up rules.
public protocol FollowupPlanner: Sendable {
    func plan(outcome: CallOutcome) -> [PlannedMessage]
}

/// Sends nothing: the default until flows define follow-ups or `outbox.followup` is configured.
public struct NoFollowups: FollowupPlanner {
    public init() {}
    public func plan(outcome: CallOutcome) -> [PlannedMessage] { [] }
}

/// The `outbox.followup` rule from the config: one approved template with a `voice_call` button, sent to
/// the caller after every call whose status is listed.
public struct ConfiguredFollowup: FollowupPlanner {
    public static let ruleKey = "config.followup"
    public let rule: IVRConfig.Outbox.Followup

    public init(rule: IVRConfig.Outbox.Followup) {
        self.rule = rule
    }

    public func plan(outcome: CallOutcome) -> [PlannedMessage] {
        guard !outcome.caller.isEmpty, rule.statuses.contains(outcome.status.rawValue) else { return [] }
        return [PlannedMessage(ruleKey: Self.ruleKey, message: .template(
            to: outcome.caller, name: rule.template, languageCode: rule.language, ttlMinutes: rule.ttlMinutes,
            payload: rule.payload))]
    }
}
