import Foundation
import Wire

extension ScheduleCallStep {
    /// Set to the call's local time (ISO 8601 with offset) once it is recorded.
    static let scheduledAtVariable = "scheduled_at"
    /// Set to why the call could not be scheduled.
    static let errorVariable = "schedule_error"
}

extension ScheduleCallStep.When {
    var isDelay: Bool {
        if case .after = self { return true }
        return false
    }
}

extension Flow {
    /// The zone a `schedule_call` without `tz:` reads times in: the first `hours:` step's, else UTC.
    var scheduleZone: TimeZone {
        for name in stepNames {
            if case let .hours(h)? = steps[name]?.kind { return h.zone }
        }
        return TimeZone(identifier: "UTC") ?? TimeZone.current
    }
}

extension Flow {
    /// Every flow this one asks to call into (`schedule_call` steps, `callback` follow-ups), with where it is written.
    var calledFlows: [(step: String?, flow: Ref)] {
        var out: [(step: String?, flow: Ref)] = []
        for name in stepNames {
            if case let .scheduleCall(s)? = steps[name]?.kind { out.append((name, s.flow)) }
        }
        for rule in followupRules {
            if case let .callback(flow, _, _) = rule.message { out.append((nil, flow)) }
        }
        return out
    }
}

extension FlowEngine {
    /// How long the engine waits for the call layer to record a scheduled call.
    static let scheduleTimeout: Duration = .seconds(10)

    /// Works out the time and the number; returns the step to go to when that fails at once, nil while the
    /// call layer records the request.
    mutating func startSchedule(_ s: ScheduleCallStep, step: String, now: Instant) -> String? {
        let ctx = context
        let zone = s.zone?.zone ?? flow.scheduleZone
        let text = s.when.template.render(ctx)
        guard let wall = wallClock(at: now) else {
            return scheduleRefused(s, "the call has no wall-clock time to count from")
        }
        let at: Date
        do {
            let time = try s.when.isDelay ? ScheduleTime.parseIn(text) : ScheduleTime.parseAt(text)
            at = try time.resolve(now: wall, zone: zone, horizonMinutes: s.horizonMinutes, text: text)
        } catch {
            return scheduleRefused(s, error.description)
        }
        let written = s.to.map { $0.render(ctx) } ?? call.from
        guard let to = Self.phoneDigits(written) else {
            return scheduleRefused(s, "'to' is not a phone number (8 to 15 digits, an optional + and spaces or dashes)")
        }
        var variables: [String: String] = [:]
        for (name, value) in s.variables { variables[name] = value.render(ctx) }
        let entered = path.filter { $0.step == step }.count
        let request = ScheduledCallRequest(id: "\(call.callID)/\(step)/\(entered)", step: step, to: to, flow: s.flow.name,
                                           at: at, variables: variables, localTime: ScheduleTime.format(at, zone: zone))
        phase = .scheduling(id: request.id)
        pendingSchedule = request
        timer = .schedule
        deadline = now + Self.scheduleTimeout
        emit(.scheduleCall(request))
        return nil
    }

    /// The call layer answered (or did not in time): `next` with `vars.scheduled_at`, else `on_error`.
    mutating func scheduleFinished(failure: String?, now: Instant) {
        guard case let .scheduling(id) = phase, case let .scheduleCall(s)? = current?.kind,
              let request = pendingSchedule, request.id == id else { return }
        pendingSchedule = nil
        phase = .idle
        deadline = nil
        if let failure {
            assign(ScheduleCallStep.errorVariable, .string(failure))
            advance(.scheduleError(failure), to: (s.onError ?? current?.next)?.name, now: now)
            return
        }
        assign(ScheduleCallStep.scheduledAtVariable, .string(request.localTime))
        advance(.scheduled(request.localTime), to: current?.next?.name, now: now)
    }

    private mutating func scheduleRefused(_ s: ScheduleCallStep, _ reason: String) -> String? {
        logger?.info("schedule_call refused", metadata: ["reason": "\(reason)"])
        assign(ScheduleCallStep.errorVariable, .string(reason))
        leave(.scheduleError(reason))
        return (s.onError ?? current?.next)?.name
    }

    /// `+49 170-123 4567` → `491701234567`; nil unless 8 to 15 digits.
    static func phoneDigits(_ text: String) -> String? {
        var digits = ""
        for (i, c) in text.trimmingCharacters(in: .whitespaces).enumerated() {
            if c.isASCII, c.isNumber { digits.append(c) } else if c == " " || c == "-" || (c == "+" && i == 0) { continue } else {
                return nil
            }
        }
        return (8...15).contains(digits.count) ? digits : nil
    }
}
