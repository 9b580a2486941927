import Wire

extension FlowEngine {
    /// A key or keyword from the caller, during a prompt (barge-in) or while collecting.
    mutating func input(_ input: Input, now: Instant) {
        switch phase {
        case .playing(.step):
            // A barge-in play step: stop it and keep the input for the next menu or gather.
            guard currentBargeIn else { return }
            if case let .keyword(_, confidence) = input, confidence < Self.minimumKeywordConfidence { return }
            emit(.stopPlayback)
            typeAhead.append(input)
            let label: PathExit
            switch input {
            case let .digit(d): label = .key(String(d))
            case let .keyword(w, _): label = .keyword(w)
            }
            advance(label, to: current?.next?.name, now: now)
        case .playing(.prompt):
            // Without barge-in, input during the prompt is discarded; a gather ignores words.
            guard currentBargeIn else { return }
            if case .keyword = input, case .gather? = current?.kind { return }
            // A word too doubtful to act on (a cough, noise) does not cut the prompt short.
            if case let .keyword(_, confidence) = input, case let .menu(m)? = current?.kind,
               m.band.decide(confidence) == .reject { return }
            emit(.stopPlayback)
            phase = .collecting
            armCollectTimers(now: now)
            collect(input, now: now)
        case .playing(.confirmPrompt):
            // The question can be answered while it plays; anything else waits for its end.
            guard confirmationAnswer(input) != nil else { return }
            emit(.stopPlayback)
            phase = .collecting
            answerConfirmation(input, now: now)
        case .collecting:
            if confirming != nil {
                answerConfirmation(input, now: now)
            } else {
                collect(input, now: now)
            }
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
        let index: Int?
        let exit: PathExit
        switch input {
        case let .digit(d):
            index = m.options.firstIndex { $0.dtmf == d }
            exit = .key(String(d))
        case let .keyword(w, confidence):
            switch m.band.decide(confidence) {
            case .reject:
                index = nil
            case .accept:
                index = m.options.firstIndex { $0.keywords.contains(w) }
            case .confirm:
                if let i = m.options.firstIndex(where: { $0.keywords.contains(w) }) {
                    askConfirmation(m, option: i, word: w, now: now)
                    return
                }
                index = nil
            }
            exit = .keyword(w)
        }
        guard let index else {
            failAttempt(noInput: false, now: now)
            return
        }
        choose(m, m.options[index], exit: exit, now: now)
    }

    private mutating func choose(_ m: MenuStep, _ option: MenuOption, exit: PathExit, now: Instant) {
        if let into = m.into { assign(into, .string(option.label)) }
        advance(exit, to: option.target.name, now: now)
    }

    /// "Did you say sales? Say yes or press 1": listens for yes/no (and keys 1/2) from the start.
    private mutating func askConfirmation(_ m: MenuStep, option: Int, word: String, now: Instant) {
        confirming = PendingConfirmation(option: option, word: word)
        deadline = nil
        stopListening()
        phase = .playing(.confirmPrompt)
        speak(m.options[option].confirmation, bargeIn: true)
        listen(digits: true, keywords: ConfirmationBand.yesWords + ConfirmationBand.noWords)
    }

    /// Yes (true), no (false), or nil for input that does not answer the question (another key,
    /// a yes/no too doubtful to act on).
    private func confirmationAnswer(_ input: Input) -> Bool? {
        guard case let .menu(m)? = current?.kind else { return nil }
        switch input {
        case let .digit(d):
            if d == ConfirmationBand.yesKey { return true }
            if d == ConfirmationBand.noKey { return false }
            return nil
        case let .keyword(w, confidence):
            guard confidence >= m.band.confirmAbove else { return nil }
            if ConfirmationBand.yesWords.contains(w) { return true }
            if ConfirmationBand.noWords.contains(w) { return false }
            return nil
        }
    }

    /// Yes takes the option; no counts as an invalid attempt (re-prompt, or `on_failure`).
    private mutating func answerConfirmation(_ input: Input, now: Instant) {
        guard let pending = confirming, case let .menu(m)? = current?.kind,
              let yes = confirmationAnswer(input) else { return }
        confirming = nil
        if yes, m.options.indices.contains(pending.option) {
            choose(m, m.options[pending.option], exit: .confirmed(pending.word), now: now)
        } else {
            stopListening()
            failAttempt(noInput: false, now: now)
        }
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
        // Linear in the entry whatever the pattern (no backtracking the caller could make explode).
        if valid, let p = g.pattern, let pattern = try? DigitPattern(p) {
            valid = pattern.matches(digits)
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
        if confirming != nil {
            // The question went unanswered: listen for the menu's own words again.
            confirming = nil
            stopListening()
        }
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
