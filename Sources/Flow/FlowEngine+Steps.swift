import Foundation
import Wire

extension FlowEngine {
    /// Enters `name` and keeps going through steps that finish at once (set, branch, goto, …).
    mutating func go(to name: String, now: Instant) {
        var target: String? = name
        while let t = target, phase != .done {
            target = enter(t, now: now)
        }
    }

    /// Enters one step; returns the next step when this one is done at once, nil when it waits.
    private mutating func enter(_ name: String, now: Instant) -> String? {
        guard let step = flow.steps[name] else {
            emit(.hangup(.failed))
            finish(.failed, reason: "missing step '\(name)'", now: now)
            return nil
        }
        if stepsEntered >= stepBudget {
            leave(.budgetExceeded)
            emit(.hangup(.stepBudgetExceeded))
            finish(.budgetExceeded, reason: "more than \(stepBudget) steps in one call", now: now)
            return nil
        }
        stepsEntered += 1
        current = step
        path.append(PathEntry(step: name, kind: step.kind.name, enteredAt: now, exit: nil))
        attempts = 0
        digits = ""
        confirming = nil
        deadline = nil
        overallDeadline = nil
        logger?.debug("flow step", metadata: ["step": "\(name)"])
        switch step.kind {
        case .menu, .gather:
            break
        default:
            typeAhead.removeAll()
        }
        switch step.kind {
        case let .play(p):
            phase = .playing(.step)
            if let speech = p.speech {
                speak(speech, bargeIn: p.bargeIn)
            } else {
                emit(.play(prompts: p.prompts.map(\.name), bargeIn: p.bargeIn))
            }
            if p.bargeIn { listen(digits: true, keywords: []) }
            return nil
        case let .menu(m):
            startCollecting(prompts: m.prompts.map(\.name), bargeIn: m.bargeIn, now: now)
            return nil
        case let .gather(g):
            startCollecting(prompts: g.prompts.map(\.name), bargeIn: g.bargeIn, now: now)
            return nil
        case let .set(s):
            for a in s.assignments { assign(a.name, a.value.value(context)) }
            leave(.next)
            return step.next?.name
        case let .branch(b):
            let ctx = context
            for c in b.cases where c.condition.evaluate(ctx).isTruthy {
                leave(.condition(c.source))
                return c.target.name
            }
            leave(.condition("else"))
            return b.otherwise.name
        case let .hours(h):
            let decision: HoursDecision
            if let date = wallClock(at: now) {
                decision = h.decide(at: date)
                logger?.debug("flow hours", metadata: ["local": "\(h.describe(date))", "decision": "\(decision.rawValue)"])
            } else {
                decision = .closed
                logger?.warning("flow hours without a wall clock: taken as closed", metadata: ["step": "\(name)"])
            }
            if let into = h.into { assign(into, .string(decision.rawValue)) }
            leave(.hours(decision))
            return h.target(for: decision).name
        case let .goto(r):
            leave(.next)
            return r.name
        case let .hangup(reason):
            leave(.hangup(reason))
            stopListening()
            emit(.hangup(HangupDisposition(reason)))
            finish(.completed, reason: reason, now: now)
            return nil
        case let .http(h):
            startHTTP(h, step: name, now: now)
            return nil
        case let .scheduleCall(s):
            return startSchedule(s, step: name, now: now)
        case let .record(r):
            if let consent = r.consent {
                // Announce the recording, taking the opt-out key during the announcement and for `wait` after.
                phase = .playing(.consentPrompt)
                if let speech = consent.speech { speak(speech, bargeIn: true) } else {
                    emit(.play(prompts: consent.prompts.map(\.name), bargeIn: true))
                }
                listen(digits: true, keywords: [])
            } else {
                startRecordStep(r, now: now)
            }
            return nil
        }
    }

    /// A `say:` in the call's language: the map form speaks the text's own language (its fallback's,
    /// when the caller's has none), with that language's voice.
    mutating func speak(_ speech: SpokenText, bargeIn: Bool) {
        guard let version = speech.version(for: promptLanguage ?? Flow.defaultSpeechLanguage, fallback: flow.languages.first) else { return }
        let language = version.language ?? promptLanguage ?? Flow.defaultSpeechLanguage
        emit(.say(text: version.text.render(context), voice: speech.voice(for: language), language: language, bargeIn: bargeIn))
    }

    /// The record step proper: its prompt, then the recording.
    mutating func startRecordStep(_ r: RecordStep, now: Instant) {
        if r.prompts.isEmpty {
            startRecording(r, now: now)
        } else {
            phase = .playing(.recordPrompt)
            emit(.play(prompts: r.prompts.map(\.name), bargeIn: false))
        }
    }

    /// The caller kept quiet through the consent window (granted) or pressed the opt-out key (declined).
    mutating func consentGiven(_ granted: Bool, now: Instant) {
        guard case let .record(r) = current?.kind, let consent = r.consent else { return }
        deadline = nil
        stopListening()
        assign(RecordingConsent.variable, .string(granted ? "granted" : "declined"))
        emit(.recordingConsent(granted: granted))
        if granted {
            startRecordStep(r, now: now)
        } else {
            advance(.optedOut, to: (consent.onOptOut ?? current?.next)?.name, now: now)
        }
    }

    /// Menu and gather: play the prompt, listen (at once if barge-in is on, else after the prompt).
    /// Input typed ahead during a barge-in play step is used at once, skipping the prompt.
    mutating func startCollecting(prompts: [String], bargeIn: Bool, now: Instant) {
        if !typeAhead.isEmpty {
            let pending = typeAhead
            typeAhead.removeAll()
            phase = .collecting
            listen(digits: true, keywords: menuKeywords)
            armCollectTimers(now: now)
            for i in pending where phase == .collecting { input(i, now: now) }
            return
        }
        playPrompt(prompts, bargeIn: bargeIn)
    }

    mutating func playPrompt(_ prompts: [String], bargeIn: Bool) {
        phase = .playing(.prompt)
        deadline = nil
        overallDeadline = nil
        digits = ""
        emit(.play(prompts: prompts, bargeIn: bargeIn))
        if bargeIn { listen(digits: true, keywords: menuKeywords) }
    }

    var menuKeywords: [String] {
        if case let .menu(m) = current?.kind { return m.options.flatMap(\.keywords) }
        return []
    }

    var currentBargeIn: Bool {
        switch current?.kind {
        case let .play(p)?: return p.bargeIn
        case let .menu(m)?: return m.bargeIn
        case let .gather(g)?: return g.bargeIn
        default: return false
        }
    }

    /// Starts the waiting timers of a menu (`timeout`) or a gather (`first_digit_timeout`, and `timeout` overall).
    mutating func armCollectTimers(now: Instant) {
        switch current?.kind {
        case let .menu(m)?:
            timer = .menu
            deadline = now + m.timeout
        case let .gather(g)?:
            timer = .firstDigit
            deadline = now + g.firstDigitTimeout
            overallDeadline = g.overallTimeout.map { now + $0 }
        default:
            break
        }
    }

    mutating func promptDone(_ purpose: Purpose, now: Instant) {
        switch purpose {
        case .step:
            advance(.next, to: current?.next?.name, now: now)
        case .prompt:
            phase = .collecting
            listen(digits: true, keywords: menuKeywords)
            armCollectTimers(now: now)
        case .confirmPrompt:
            guard case let .menu(m) = current?.kind else { return }
            phase = .collecting
            timer = .menu
            deadline = now + m.timeout
        case .recordPrompt:
            if case let .record(r) = current?.kind { startRecording(r, now: now) }
        case .consentPrompt:
            guard case let .record(r) = current?.kind, let consent = r.consent else { return }
            phase = .consentWait
            timer = .consent
            deadline = now + consent.wait
        }
    }

    mutating func timerFired(_ timer: Timer, now: Instant) {
        switch timer {
        case .menu:
            guard phase == .collecting else { return }
            failAttempt(noInput: true, now: now)
        case .firstDigit:
            guard phase == .collecting else { return }
            if digits.isEmpty { failAttempt(noInput: true, now: now) } else { finishGather(now: now) }
        case .interDigit:
            guard phase == .collecting else { return }
            finishGather(now: now)
        case .http:
            guard case let .http(id) = phase else { return }
            httpFinished(status: nil, body: [], failure: "timed out", now: now, timedOutID: id)
        case .schedule:
            guard case .scheduling = phase else { return }
            scheduleFinished(failure: "the store did not answer within \(FlowDuration.format(Self.scheduleTimeout))", now: now)
        case .consent:
            guard phase == .consentWait else { return }
            consentGiven(true, now: now)
        case .record:
            // The media side never reported the end: keep what it has, move on.
            guard phase == .recording, case let .record(r) = current?.kind else { return }
            recordingDone(path: recordingPath(), seconds: r.maxLength.seconds, now: now)
        }
    }

    mutating func startRecording(_ r: RecordStep, now: Instant) {
        phase = .recording
        timer = .record
        deadline = now + r.maxLength + Self.recordingGrace
        emit(.record(path: recordingPath(), maxSeconds: r.maxLength.seconds, silenceSeconds: r.silence.seconds, finishKey: r.finishOnKey))
    }

    mutating func recordingDone(path: String, seconds: Double, now: Instant) {
        guard case let .record(r) = current?.kind else { return }
        if let into = r.into { assign(into, .string(path)) }
        advance(.recorded(seconds), to: current?.next?.name, now: now)
    }

    /// Nothing usable was saved: `into` is left empty (so a flow can tell) and the flow goes to `on_error`,
    /// else `next`; the caller is never told a message was saved that was not.
    mutating func recordingFailed(reason: String, now: Instant) {
        guard case let .record(r) = current?.kind else { return }
        if let into = r.into { assign(into, .string("")) }
        advance(.recordingError(reason), to: (r.onError ?? current?.next)?.name, now: now)
    }
}
