import Yams

/// The message a follow-up rule sends, with its texts rendered. The WhatsApp module maps it to a
/// `messages` request: an interactive `voice_call` button, or a template with a voice-call button.
public enum FollowupMessage: Sendable, Equatable {
    case voiceCallButton(body: String, displayText: String, ttlMinutes: Int, payload: String?)
    case template(name: String, language: String, ttlMinutes: Int, payload: String?)
    /// Not a message: call the caller back into `flow` once `delayMinutes` have passed (and the user has granted
    /// the call permission), with these starting variables.
    case callback(flow: String, variables: [String: String], delayMinutes: Int)
}

/// Limits of WhatsApp's call-button fields.
enum FollowupLimits {
    static let displayText = 20
    static let payload = 512
    static let ttl = 1...43200
    static let defaultTTL = 10080
    static let defaultDisplayText = "Call Now"
}

struct FollowupRule: Sendable {
    enum Message: Sendable {
        case voiceCall(body: Template, displayText: Template?, ttlMinutes: Int?, payload: Template?)
        case template(name: String, language: String, ttlMinutes: Int?, payload: Template?)
        case callback(flow: Ref, variables: [(name: String, value: Template)], delayMinutes: Int)
    }

    var index: Int
    var line: Int
    var when: (source: String, expression: Expression)?
    var message: Message

    var variablesRead: [String] {
        var names = when?.expression.variablesRead ?? []
        switch message {
        case let .voiceCall(body, displayText, _, payload):
            names += body.variablesRead + (displayText?.variablesRead ?? []) + (payload?.variablesRead ?? [])
        case let .template(_, _, _, payload):
            names += payload?.variablesRead ?? []
        case let .callback(_, variables, _):
            names += variables.flatMap(\.value.variablesRead)
        }
        return names
    }

    func render(_ context: EvaluationContext) -> FollowupMessage {
        switch message {
        case let .voiceCall(body, displayText, ttl, payload):
            let text = displayText.map { String($0.render(context).prefix(FollowupLimits.displayText)) } ?? FollowupLimits.defaultDisplayText
            return .voiceCallButton(body: body.render(context), displayText: text, ttlMinutes: ttl ?? FollowupLimits.defaultTTL,
                                    payload: payload.map { String($0.render(context).prefix(FollowupLimits.payload)) })
        case let .template(name, language, ttl, payload):
            return .template(name: name, language: language, ttlMinutes: ttl ?? FollowupLimits.defaultTTL,
                             payload: payload.map { String($0.render(context).prefix(FollowupLimits.payload)) })
        case let .callback(flow, variables, delay):
            var values: [String: String] = [:]
            for (name, value) in variables { values[name] = value.render(context) }
            return .callback(flow: flow.name, variables: values, delayMinutes: delay)
        }
    }
}

extension Flow {
    /// The message of the first follow-up rule whose `when` holds (a rule without `when` always holds), or nil.
    /// Rendered texts longer than WhatsApp's limits are cut to them (display_text 20, payload 512 characters).
    public func followup(outcome: FlowOutcome, variables: [String: FlowValue], call: CallInfo) -> FollowupMessage? {
        let context = EvaluationContext(variables: variables, call: call, outcome: outcome)
        for rule in followupRules where rule.when.map({ $0.expression.evaluate(context).isTruthy }) ?? true {
            return rule.render(context)
        }
        return nil
    }
}

extension NodeReader {
    func parseFollowup(_ node: Node) -> [FollowupRule] {
        guard case let .sequence(seq) = node else {
            error(node, "'followup' must be a list of rules ({when, voice_call}, {when, template} or {when, callback}), got \(Self.describe(node))")
            return []
        }
        var rules: [FollowupRule] = []
        for (i, item) in seq.enumerated() {
            let what = "followup rule \(i + 1)"
            guard let f = mapping(item, what: what, allowed: ["when", "voice_call", "template", "callback"]) else { continue }
            let when = f["when"].flatMap { expression($0, what: "\(what) 'when'", allowOutcome: true) }
            let kinds = ["voice_call", "template", "callback"].filter { f[$0] != nil }
            guard kinds.count == 1 else {
                error(item, "\(what) needs exactly one of 'voice_call', 'template' or 'callback'"
                      + (kinds.isEmpty ? "" : ", got " + kinds.map { "'\($0)'" }.joined(separator: " and ")))
                continue
            }
            let message: FollowupRule.Message?
            switch kinds[0] {
            case "voice_call": message = f["voice_call"].flatMap { voiceCall($0, what: what) }
            case "template": message = f["template"].flatMap { callTemplate($0, what: what) }
            default: message = f["callback"].flatMap { callback($0, what: what) }
            }
            guard let message else { continue }
            rules.append(FollowupRule(index: i + 1, line: Self.line(item), when: when.map { ($0.0, $0.1) }, message: message))
        }
        return rules
    }

    private func ttl(_ f: Fields, what: String) -> Int? {
        guard let n = f["ttl_minutes"] else { return nil }
        guard case .scalar = n, let v = NodeReader.int(n) else {
            error(n, "\(what) 'ttl_minutes' must be a whole number of minutes from 1 to 43200, got \(Self.describe(n))")
            return nil
        }
        guard FollowupLimits.ttl.contains(v) else {
            error(n, "\(what) 'ttl_minutes' is \(v); expected 1 to 43200 (30 days)")
            return nil
        }
        return v
    }

    private func payload(_ f: Fields, what: String) -> Template? {
        guard let n = f["payload"], let t = template(n, what: "\(what) 'payload'", allowOutcome: true) else { return nil }
        if t.isConstant, t.source.count > FollowupLimits.payload {
            error(n, "\(what) 'payload' is \(t.source.count) characters; expected at most 512")
        }
        return t
    }

    private func voiceCall(_ node: Node, what: String) -> FollowupRule.Message? {
        guard let f = mapping(node, what: "\(what) 'voice_call'", allowed: ["body", "display_text", "ttl_minutes", "payload"]) else { return nil }
        guard let bodyNode = f["body"] else {
            error(node, "\(what) 'voice_call' needs 'body' (the message text above the button)")
            return nil
        }
        guard let body = template(bodyNode, what: "\(what) 'body'", allowOutcome: true) else { return nil }
        var display: Template?
        if let n = f["display_text"], let t = template(n, what: "\(what) 'display_text'", allowOutcome: true) {
            if t.isConstant, t.source.count > FollowupLimits.displayText {
                error(n, "\(what) 'display_text' is \(t.source.count) characters; expected at most 20")
            }
            display = t
        }
        return .voiceCall(body: body, displayText: display, ttlMinutes: ttl(f, what: what), payload: payload(f, what: what))
    }

    /// `callback: {flow: support-callback, vars: {reason: "{{outcome.status}}"}, delay: 10m}`.
    private func callback(_ node: Node, what: String) -> FollowupRule.Message? {
        guard let f = mapping(node, what: "\(what) 'callback'", allowed: ["flow", "vars", "delay"], required: ["flow"]) else { return nil }
        var delay = 0
        if let n = f["delay"], let text = string(n, what: "\(what) 'delay'") {
            if let minutes = ScheduleTime.minutes(text) {
                delay = minutes
            } else if !["0", "0m", "0h", "0d"].contains(text.trimmingCharacters(in: .whitespaces)) {
                error(n, "\(what) 'delay' must be 0m or \(ScheduleTime.inForms), got '\(text)'")
            }
        }
        let variables = f["vars"].map { variableTemplates($0, what: "\(what) 'vars'", allowOutcome: true) } ?? []
        guard let flow = f["flow"].flatMap({ ref($0, what: "\(what) 'flow'") }) else { return nil }
        return .callback(flow: flow, variables: variables, delayMinutes: delay)
    }

    private func callTemplate(_ node: Node, what: String) -> FollowupRule.Message? {
        guard let f = mapping(node, what: "\(what) 'template'", allowed: ["name", "language", "ttl_minutes", "payload"],
                              required: ["name", "language"]) else { return nil }
        guard let name = f["name"].flatMap({ string($0, what: "\(what) template 'name'") }),
              let language = f["language"].flatMap({ string($0, what: "\(what) template 'language'") }) else { return nil }
        return .template(name: name, language: language, ttlMinutes: ttl(f, what: what), payload: payload(f, what: what))
    }
}
