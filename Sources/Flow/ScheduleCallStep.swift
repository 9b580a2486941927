import Foundation
import Yams

/// `schedule_call:`: asks for a call to the caller (or `to:`) later, into the flow `flow:`, at `at:` or after
/// `in:`. The engine works out the time and hands the call layer a `ScheduledCallRequest`; the call goes to
/// `next` once recorded, or to `on_error` (else `next`) when the time cannot be used or nothing can record it.
struct ScheduleCallStep: Sendable {
    enum When: Sendable {
        case at(Template)
        case after(Template)

        var template: Template {
            switch self {
            case let .at(t), let .after(t): return t
            }
        }
    }

    /// The flow the call runs, as written (checked against the other flows of the folder).
    var flow: Ref
    var when: When
    /// `tz:`; nil: the zone of the flow's first `hours:` step, else UTC.
    var zone: (name: String, zone: TimeZone)?
    var variables: [(name: String, value: Template)]
    /// `to:`; nil: the caller.
    var to: Template?
    /// The furthest ahead the call may be (`horizon:`, default 30 days), in minutes.
    var horizonMinutes: Int
    var onError: Ref?

    static let defaultHorizonMinutes = 30 * 24 * 60

    var variablesRead: [String] {
        when.template.variablesRead + variables.flatMap(\.value.variablesRead) + (to?.variablesRead ?? [])
    }
}

/// What the engine asks the call layer to record: a call to place later (a `scheduled_calls` row).
public struct ScheduledCallRequest: Sendable, Equatable {
    /// `<call id>/<step>/<n>` (n: how many times the call entered the step): a replay records one row.
    public var id: String
    public var step: String
    /// The number to call (as rendered; the call layer keeps its digits).
    public var to: String
    public var flow: String
    public var at: Date
    /// The call's starting variables, rendered to text.
    public var variables: [String: String]
    /// `at` as local ISO 8601 text in the step's zone (also set as `vars.scheduled_at`).
    public var localTime: String

    public init(id: String, step: String, to: String, flow: String, at: Date, variables: [String: String], localTime: String) {
        self.id = id
        self.step = step
        self.to = to
        self.flow = flow
        self.at = at
        self.variables = variables
        self.localTime = localTime
    }
}

extension NodeReader {
    static let scheduleCallKeys = ["flow", "at", "in", "tz", "vars", "to", "horizon", "on_error"]

    func parseScheduleCall(_ node: Node) -> ScheduleCallStep? {
        guard let f = mapping(node, what: "schedule_call", allowed: Self.scheduleCallKeys, required: ["flow"]) else { return nil }
        var horizon = ScheduleCallStep.defaultHorizonMinutes
        if let n = f["horizon"], let text = string(n, what: "'horizon'") {
            if let minutes = ScheduleTime.minutes(text) { horizon = minutes } else {
                error(n, "'horizon' must be \(ScheduleTime.inForms) (at most 366d), got '\(text)'")
            }
        }
        let zone = f["tz"].flatMap { timeZone($0, what: "'tz'") }
        var when: ScheduleCallStep.When?
        switch (f["at"], f["in"]) {
        case (nil, nil):
            error(node, "schedule_call needs 'at' (a time like \"tomorrow 10:00\") or 'in' (a delay like 2h)")
        case let (a?, b?):
            error(b, "schedule_call takes either 'at' (line \(Self.line(a))) or 'in', not both")
        case let (a?, nil):
            if let t = template(a, what: "'at'") {
                when = .at(t)
                if t.isConstant { checkStatic(a) { text throws(ScheduleTime.Problem) in try ScheduleTime.parseAt(text) } }
            }
        case let (nil, b?):
            if let t = template(b, what: "'in'") {
                when = .after(t)
                if t.isConstant, case let .after(minutes)? = checkStatic(b, { text throws(ScheduleTime.Problem) in
                    try ScheduleTime.parseIn(text) }), minutes > horizon {
                    error(b, "'in' (\(t.source)) is more than the step's horizon (\(ScheduleTime.formatMinutes(horizon))); "
                        + "raise 'horizon' or call sooner")
                }
            }
        }
        let variables = f["vars"].map { variableTemplates($0, what: "'vars'") } ?? []
        let to = f["to"].flatMap { template($0, what: "'to'") }
        let onError = f["on_error"].flatMap { ref($0, what: "'on_error'") }
        guard let flow = f["flow"].flatMap({ ref($0, what: "'flow'") }), let when else { return nil }
        return ScheduleCallStep(flow: flow, when: when, zone: zone, variables: variables, to: to, horizonMinutes: horizon,
                                onError: onError)
    }

    /// `vars: {name: "{{vars.name}}"}`: the starting variables of a call placed later.
    func variableTemplates(_ node: Node, what: String, allowOutcome: Bool = false) -> [(name: String, value: Template)] {
        guard case let .mapping(m) = node else {
            error(node, "\(what) must be a mapping of variable names to values for the called flow, got \(Self.describe(node))")
            return []
        }
        var out: [(name: String, value: Template)] = []
        for (k, v) in m {
            guard let name = identifier(k, what: "a variable in \(what)"),
                  let t = template(v, what: "\(what) '\(name)'", allowOutcome: allowOutcome) else { continue }
            out.append((name, t))
        }
        return out
    }

    /// A time written without `{{…}}` is read now, so a mistake is reported with its line.
    @discardableResult
    private func checkStatic(_ node: Node, _ parse: (String) throws(ScheduleTime.Problem) -> ScheduleTime) -> ScheduleTime? {
        guard let text = node.scalar?.string else { return nil }
        do {
            return try parse(text)
        } catch {
            self.error(node, error.description)
            return nil
        }
    }

    /// An IANA zone name (`Europe/Berlin`, `UTC`), with a suggestion when it is unknown.
    func timeZone(_ node: Node, what: String) -> (String, TimeZone)? {
        guard let name = string(node, what: what) else { return nil }
        if let tz = TimeZone(identifier: name), name.contains("/") || name == "UTC" { return (name, tz) }
        let hint = Self.suggestion(name, among: TimeZone.knownTimeZoneIdentifiers).map { "; did you mean '\($0)'?" }
            ?? "; expected an IANA zone name such as Europe/Berlin or America/New_York"
        error(node, "unknown time zone '\(name)'\(hint)")
        return nil
    }
}
