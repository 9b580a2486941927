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

/// A call back to the caller that a `callback` follow-up asks for: a `scheduled_calls` row, inserted in the
/// outcome's transaction (one per call).
public struct PlannedCallback: Sendable, Equatable {
    public var recipient: String
    public var flow: String
    public var variables: [String: String]
    public var delayMinutes: Int

    public init(recipient: String, flow: String, variables: [String: String], delayMinutes: Int) {
        self.recipient = recipient
        self.flow = flow
        self.variables = variables
        self.delayMinutes = delayMinutes
    }
}

/// Everything that follows a call: messages to send and calls to place.
public struct FollowupPlan: Sendable, Equatable {
    public var messages: [PlannedMessage]
    public var callbacks: [PlannedCallback]

    public init(messages: [PlannedMessage], callbacks: [PlannedCallback] = []) {
        self.messages = messages
        self.callbacks = callbacks
    }
}

/// Decides which messages (and call-backs) follow a call. Called inside the outcome's transaction, so it must
/// be quick and pure (no I/O).
public protocol FollowupPlanner: Sendable {
    func plan(outcome: CallOutcome) -> [PlannedMessage]
    /// Messages and call-backs; by default the messages of `plan` and no call-back.
    func planAll(outcome: CallOutcome) -> FollowupPlan
}

extension FollowupPlanner {
    public func planAll(outcome: CallOutcome) -> FollowupPlan { FollowupPlan(messages: plan(outcome: outcome)) }
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
