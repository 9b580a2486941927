import Wire

extension FlowEngine {
    /// A key or keyword from the caller, during a prompt (barge-in) or while collecting.
    mutating func input(_ input: Input, now: Instant) {
        switch phase {
        case .playing(.step):
            // A barge-in play step: stop it and keep the input for the next menu or gather.
            guard currentBargeIn else { return }
            emit(.stopPlayback)
            typeAhead.append(input)
            let label: PathExit
            switch input {
            case let .digit(d): label = .key(String(d))
            case let .keyword(w): label = .keyword(w)
            }
            advance(label, to: current?.next?.name, now: now)
        case .playing(.prompt):
            // Without barge-in, input during the prompt is discarded; a gather ignores words.
            guard currentBargeIn else { return }
            if case .keyword = input, case .gather? = current?.kind { return }
            emit(.stopPlayback)
            phase = .collecting
            armCollectTimers(now: now)
            collect(input, now: now)
        case .collecting:
            collect(input, now: now)
        case .playing(.consentPrompt), .consentWait:
            guard case let .digit(key) = input, case let .record(r)? = current?.kind, key == r.consent?.optOutKey else { return }
            if phase != .consentWait { emit(.stopPlayback) }
            consentGiven(false, now: now)
        default:
            return
        }
    }

    private mutating func collect(_ input: Input, now: Instant) {
        switch current?.kind {
        case let .menu(m)?:
            menuInput(m, input, now: now)
        case let .gather(g)?:
            guard case let .digit(key) = input else { return }
            gatherDigit(g, key, now: now)
        default:
            return
        }
    }

    private mutating func menuInput(_ m: MenuStep, _ input: Input, now: Instant) {
        let option: MenuOption?
        let exit: PathExit
        switch input {
        case let .digit(d):
            option = m.options.first { $0.dtmf == d }
            exit = .key(String(d))
        case let .keyword(w):
            option = m.options.first { $0.keywords.contains(w) }
            exit = .keyword(w)
        }
        guard let option else {
            failAttempt(noInput: false, now: now)
            return
        }
        if let into = m.into { assign(into, .string(option.label)) }
        advance(exit, to: option.target.name, now: now)
    }

    private mutating func gatherDigit(_ g: GatherStep, _ key: Character, now: Instant) {
        if let finish = g.finishOnKey, key == finish {
            finishGather(now: now)
            return
        }
        digits.append(key)
        if digits.count >= g.maxDigits {
            finishGather(now: now)
            return
        }
        timer = .interDigit
        deadline = now + g.interDigitTimeout
    }

    /// Collection ended (finish key, max digits, inter-digit or overall timeout): accept or count a failure.
    mutating func finishGather(now: Instant) {
        guard case let .gather(g) = current?.kind else { return }
        deadline = nil
        overallDeadline = nil
        if digits.isEmpty {
            failAttempt(noInput: true, now: now)
            return
        }
        var valid = digits.count >= g.minDigits
        if valid, let p = g.pattern, let regex = try? Regex(p) {
            valid = (try? regex.wholeMatch(in: digits)) != nil
        }
        guard valid else {
            failAttempt(noInput: false, now: now)
            return
        }
        let value = digits
        assign(g.into, .string(value))
        advance(.digits(flow.redact.contains(g.into) ? "***" : value), to: current?.next?.name, now: now)
    }

    /// No input or invalid input: re-prompt while retries last, then go to `on_failure` (or end as failed).
    mutating func failAttempt(noInput: Bool, now: Instant) {
        attempts += 1
        digits = ""
        deadline = nil
        overallDeadline = nil
        let retries: Int, extra: [Ref], onFailure: Ref?, prompts: [Ref], bargeIn: Bool
        switch current?.kind {
        case let .menu(m)?:
            (retries, onFailure, prompts, bargeIn) = (m.retries, m.onFailure, m.prompts, m.bargeIn)
            extra = noInput ? m.noInput : m.invalid
        case let .gather(g)?:
            (retries, onFailure, prompts, bargeIn) = (g.retries, g.onFailure, g.prompts, g.bargeIn)
            extra = noInput ? g.noInput : g.invalid
        default:
            return
        }
        let why = noInput ? "no input" : "invalid input"
        guard attempts <= retries else {
            let step = current?.name ?? "?"
            advance(.failure(why), to: onFailure?.name, now: now, failure: "\(why) at step '\(step)' after \(attempts) attempts")
            return
        }
        if !bargeIn { stopListening() }
        playPrompt((extra + prompts).map(\.name), bargeIn: bargeIn)
    }
}
