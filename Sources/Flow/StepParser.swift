import Yams

/// Reads one step's mapping into a `Step`, reporting every mistake with the step's name.
extension NodeReader {
    static let menuKeys = ["prompt", "options", "timeout", "retries", "no_input", "invalid", "on_failure", "barge_in", "into",
                           "confirm", "accept_above", "confirm_above"]
    static let gatherKeys = ["prompt", "into", "min_digits", "max_digits", "finish_on_key", "first_digit_timeout",
                             "inter_digit_timeout", "timeout", "retries", "pattern", "no_input", "invalid", "on_failure", "barge_in"]
    static let httpKeys = ["method", "url", "headers", "body", "timeout", "save", "on_error", "redirects"]
    static let recordKeys = ["consent", "prompt", "max_length", "silence", "finish_on_key", "into", "on_error"]
    static let consentKeys = ["prompt", "say", "voice", "opt_out_key", "wait", "on_opt_out"]

    func parseStep(name: String, keyNode: Node, node: Node) -> Step? {
        step = name
        defer { step = nil }
        guard case let .mapping(m) = node else {
            error(keyNode, "a step must be a mapping with one kind (\(StepKind.names.joined(separator: ", "))) and 'next', got \(Self.describe(node))")
            return nil
        }
        var kindPairs: [(String, Node, Node)] = []
        var next: Ref?
        var nextNode: Node?
        for (k, v) in m {
            guard let key = k.scalar?.string else { error(k, "step keys must be words"); continue }
            switch key {
            case "next": nextNode = k; next = ref(v, what: "'next'")
            case "description": _ = string(v, what: "'description'")
            default:
                if StepKind.names.contains(key) {
                    kindPairs.append((key, k, v))
                } else if let s = Self.suggestion(key, among: StepKind.names + ["next", "description"]) {
                    error(k, "unknown key '\(key)'; did you mean '\(s)'?")
                } else {
                    error(k, "unknown step kind '\(key)'; expected one of: \(StepKind.names.joined(separator: ", "))")
                }
            }
        }
        guard kindPairs.count == 1 else {
            if kindPairs.isEmpty {
                if !diagnostics.contains(where: { $0.step == name && $0.severity == .error }) {
                    error(keyNode, "the step has no kind; expected exactly one of: \(StepKind.names.joined(separator: ", "))")
                }
            } else {
                error(kindPairs[1].1, "a step has exactly one kind, but this one has \(kindPairs.map { "'\($0.0)'" }.joined(separator: " and "))")
            }
            return nil
        }
        let (kindName, kindKey, value) = kindPairs[0]
        guard let kind = parseKind(kindName, key: kindKey, value: value) else { return nil }
        if StepKind.takesNext.contains(kindName) {
            if next == nil, nextNode == nil {
                error(keyNode, "a \(kindName) step needs 'next' (the step to go to after it)")
            }
        } else if let nextNode {
            error(nextNode, "a \(kindName) step does not take 'next'; \(Self.whereTargetsGo(kindName))")
        }
        return Step(name: name, line: Self.line(keyNode), kind: kind, next: next)
    }

    static func whereTargetsGo(_ kind: String) -> String {
        switch kind {
        case "menu": return "each option names its step with 'goto', and 'on_failure' handles no valid input"
        case "branch": return "each case names its step with 'goto', and 'else' the fallback"
        case "goto": return "'goto' itself names the step"
        case "hours": return "'open', 'closed' and 'holiday' name the steps"
        default: return "it ends the call"
        }
    }

    private func parseKind(_ kind: String, key: Node, value: Node) -> StepKind? {
        switch kind {
        case "play": return parsePlay(value).map(StepKind.play)
        case "menu": return parseMenu(value).map(StepKind.menu)
        case "gather": return parseGather(value).map(StepKind.gather)
        case "set": return parseSet(value).map(StepKind.set)
        case "branch": return parseBranch(value).map(StepKind.branch)
        case "http": return parseHTTP(value).map(StepKind.http)
        case "record": return parseRecord(value).map(StepKind.record)
        case "hours": return parseHours(value).map(StepKind.hours)
        case "schedule_call": return parseScheduleCall(value).map(StepKind.scheduleCall)
        case "goto": return ref(value, what: "'goto'").map(StepKind.goto)
        default:
            if case let .scalar(s) = value, s.style == .plain, value.null != nil { return .hangup("completed") }
            return string(value, what: "'hangup' (the reason)").map(StepKind.hangup)
        }
    }

    private func parsePlay(_ node: Node) -> PlayStep? {
        if case .mapping = node {
            guard let f = mapping(node, what: "play", allowed: ["prompts", "say", "voice", "barge_in"]) else { return nil }
            let prompts = f["prompts"].map { refs($0, what: "'prompts'") } ?? []
            let barge = f["barge_in"].flatMap { bool($0, what: "'barge_in'") } ?? false
            let speech = f["say"].flatMap { parseSay($0, voice: f["voice"]) }
            if f["say"] == nil, f["prompts"] == nil {
                error(node, "play needs 'prompts' (prompt ids) or 'say' (text to speak)")
                return nil
            }
            if f["say"] != nil, f["prompts"] != nil {
                error(node, "play takes either 'prompts' or 'say', not both; use two play steps")
                return nil
            }
            return PlayStep(prompts: prompts, bargeIn: barge, speech: speech)
        }
        let prompts = refs(node, what: "'play'")
        return prompts.isEmpty ? nil : PlayStep(prompts: prompts, bargeIn: false)
    }

    /// `say: "text"` or `say: {en-us: "text", es: "texto"}`, with `voice: rms` or `voice: {en-us: rms, es: espeak}`.
    private func parseSay(_ node: Node, voice voiceNode: Node?) -> SpokenText? {
        func parseText(_ n: Node, language: String?) -> SpokenText.Version? {
            let what = language.map { "'say' for '\($0)'" } ?? "'say'"
            guard let text = string(n, what: what) else { return nil }
            do {
                return SpokenText.Version(language: language, text: try Template.parse(text), line: Self.line(n))
            } catch {
                self.error(n, "\(what): \(error)")
                return nil
            }
        }
        var speech = SpokenText(versions: [], voice: nil, line: Self.line(node), voiceLine: voiceNode.map { Self.line($0) })
        if case let .mapping(m) = node {
            guard !m.isEmpty else {
                error(node, "'say' by language must name at least one language, like {en-us: \"Hello\", es: \"Hola\"}")
                return nil
            }
            for (k, v) in m {
                guard let language = k.scalar?.string, Flow.isLanguageTag(language) else {
                    error(k, "'say' keys must be language tags (en-us, es, pt-BR), got \(Self.describe(k))")
                    continue
                }
                if let version = parseText(v, language: language) { speech.versions.append(version) }
            }
        } else if let version = parseText(node, language: nil) {
            speech.versions.append(version)
        }
        if let voiceNode {
            func check(_ n: Node) -> String? {
                guard let voice = string(n, what: "'voice'") else { return nil }
                guard SpeechVoices.isKnown(voice) else {
                    error(n, "unknown voice '\(voice)'; expected one of: \(SpeechVoices.all.joined(separator: ", "))")
                    return nil
                }
                return voice
            }
            if case let .mapping(m) = voiceNode {
                for (k, v) in m {
                    guard let language = k.scalar?.string, Flow.isLanguageTag(language) else {
                        error(k, "'voice' keys must be language tags (en-us, es), got \(Self.describe(k))")
                        continue
                    }
                    if let voice = check(v) { speech.voiceByLanguage[language] = voice }
                }
            } else {
                speech.voice = check(voiceNode)
            }
        }
        return speech.versions.isEmpty ? nil : speech
    }

    private func parseMenu(_ node: Node) -> MenuStep? {
        guard let f = mapping(node, what: "menu", allowed: Self.menuKeys, required: ["prompt", "options"]) else { return nil }
        var menu = MenuStep(prompts: f["prompt"].map { refs($0, what: "'prompt'") } ?? [], options: [],
                            timeout: .seconds(5), retries: 2, noInput: [], invalid: [], onFailure: nil, bargeIn: true, into: nil)
        if let n = f["timeout"], let d = duration(n, what: "'timeout'", max: .seconds(60)) { menu.timeout = d }
        if let n = f["retries"], let r = int(n, what: "'retries'", range: 0...10) { menu.retries = r }
        if let n = f["no_input"] { menu.noInput = refs(n, what: "'no_input'") }
        if let n = f["invalid"] { menu.invalid = refs(n, what: "'invalid'") }
        if let n = f["on_failure"] { menu.onFailure = ref(n, what: "'on_failure'") }
        if let n = f["barge_in"], let b = bool(n, what: "'barge_in'") { menu.bargeIn = b }
        if let n = f["into"] { menu.into = identifier(n, what: "'into'") }
        if let n = f["options"] { menu.options = parseOptions(n) }
        parseBand(f, into: &menu.band)
        return menu
    }

    /// `confirm: auto|always|never`, `accept_above:` and `confirm_above:` (0 ... 1, confirm_above ≤ accept_above).
    private func parseBand(_ f: Fields, into band: inout ConfirmationBand) {
        if let n = f["confirm"], let text = string(n, what: "'confirm'") {
            if let mode = ConfirmationBand.Mode(rawValue: text) {
                band.mode = mode
            } else {
                error(n, "'confirm' must be one of: \(ConfirmationBand.Mode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
        }
        if let n = f["accept_above"], let v = number(n, what: "'accept_above'", range: 0...1) { band.acceptAbove = v }
        if let n = f["confirm_above"], let v = number(n, what: "'confirm_above'", range: 0...1) { band.confirmAbove = v }
        if band.confirmAbove > band.acceptAbove {
            let line = f["confirm_above"] != nil ? f.line("confirm_above") : f.line("accept_above")
            error(nil, "'confirm_above' (\(FlowValue.format(band.confirmAbove))) must not be above 'accept_above' (\(FlowValue.format(band.acceptAbove))): "
                + "below confirm_above a word is no match, from it up to accept_above the caller is asked to confirm", line: line)
        }
        if band.mode == .never, f["confirm_above"] != nil {
            warning(nil, "'confirm_above' has no effect with 'confirm: never' (only 'accept_above' is used)", line: f.line("confirm_above"))
        }
    }

    private func parseOptions(_ node: Node) -> [MenuOption] {
        guard case let .mapping(m) = node, !m.isEmpty else {
            error(node, "'options' must be a mapping of keys (\"1\", \"#\", or a word for voice only) to options, got \(Self.describe(node))")
            return []
        }
        var options: [MenuOption] = []
        var seenKeys: [Character: Int] = [:]
        var seenWords: [String: Int] = [:]
        for (k, v) in m {
            guard let label = k.scalar?.string, !label.isEmpty else { error(k, "menu option keys must be a key or a word"); continue }
            let line = Self.line(k)
            var dtmf: Character?
            if label.count == 1, let c = label.first, Self.dtmfKeys.contains(c) {
                dtmf = c
                if let first = seenKeys[c] {
                    error(k, "duplicate menu key '\(label)' (first used at line \(first)); each key must lead to one option")
                }
                seenKeys[c] = line
            } else if !label.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }) {
                error(k, "menu option key '\(label)' must be one DTMF key (0-9, *, #, A-D) or a word for a voice-only option")
                continue
            }
            guard let f = mapping(v, what: "menu option '\(label)'", allowed: ["say", "goto", "confirm"], required: ["goto"]) else { continue }
            var words = f["say"].map { (stringList($0, what: "'say'") ?? []).map { $0.0.lowercased() } } ?? []
            if dtmf == nil, !words.contains(label.lowercased()) { words.insert(label.lowercased(), at: 0) }
            for w in words {
                if let first = seenWords[w] {
                    error(nil, "duplicate menu keyword '\(w)' (first used at line \(first)); each word must lead to one option", line: line)
                }
                seenWords[w] = line
            }
            guard let target = f["goto"].flatMap({ ref($0, what: "'goto'") }) else { continue }
            var option = MenuOption(label: label, dtmf: dtmf, keywords: words, target: target, line: line)
            if let n = f["confirm"] {
                if words.isEmpty {
                    warning(n, "'confirm' on option '\(label)' has no effect: the option has no 'say' words, and keys are never confirmed")
                }
                option.confirmSpeech = parseSay(n, voice: nil)
            }
            options.append(option)
        }
        return options
    }

    private func parseGather(_ node: Node) -> GatherStep? {
        guard let f = mapping(node, what: "gather", allowed: Self.gatherKeys, required: ["prompt", "into"]) else { return nil }
        var g = GatherStep(prompts: f["prompt"].map { refs($0, what: "'prompt'") } ?? [], into: "", minDigits: 1, maxDigits: 20,
                           finishOnKey: "#", firstDigitTimeout: .seconds(5), interDigitTimeout: .seconds(3), overallTimeout: nil,
                           retries: 2, pattern: nil, noInput: [], invalid: [], onFailure: nil, bargeIn: true)
        if let n = f["into"], let v = identifier(n, what: "'into'") { g.into = v }
        if let n = f["min_digits"], let v = int(n, what: "'min_digits'", range: 1...64) { g.minDigits = v }
        if let n = f["max_digits"], let v = int(n, what: "'max_digits'", range: 1...64) { g.maxDigits = v }
        if g.minDigits > g.maxDigits, let n = f["min_digits"] {
            error(n, "'min_digits' (\(g.minDigits)) must not be more than 'max_digits' (\(g.maxDigits))")
        }
        if let n = f["finish_on_key"], let v = key(n, what: "'finish_on_key'") { g.finishOnKey = v }
        if let n = f["first_digit_timeout"], let v = duration(n, what: "'first_digit_timeout'", max: .seconds(60)) { g.firstDigitTimeout = v }
        if let n = f["inter_digit_timeout"], let v = duration(n, what: "'inter_digit_timeout'", max: .seconds(60)) { g.interDigitTimeout = v }
        if let n = f["timeout"], let v = duration(n, what: "'timeout'", max: .seconds(300)) { g.overallTimeout = v }
        if let n = f["retries"], let v = int(n, what: "'retries'", range: 0...10) { g.retries = v }
        if let n = f["pattern"], let p = string(n, what: "'pattern'") {
            do {
                _ = try DigitPattern(p)
                g.pattern = p
            } catch let why {
                error(n, "'pattern' '\(p)': \(why)")
            }
        }
        if let n = f["no_input"] { g.noInput = refs(n, what: "'no_input'") }
        if let n = f["invalid"] { g.invalid = refs(n, what: "'invalid'") }
        if let n = f["on_failure"] { g.onFailure = ref(n, what: "'on_failure'") }
        if let n = f["barge_in"], let b = bool(n, what: "'barge_in'") { g.bargeIn = b }
        return g
    }

    private func parseSet(_ node: Node) -> SetStep? {
        guard case let .mapping(m) = node, !m.isEmpty else {
            error(node, "'set' must be a mapping of variable names to values, got \(Self.describe(node))")
            return nil
        }
        var out: [Assignment] = []
        for (k, v) in m {
            guard let name = identifier(k, what: "variable name") else { continue }
            if let t = template(v, what: "value of '\(name)'") {
                out.append(Assignment(name: name, value: t, line: Self.line(k)))
            }
        }
        return SetStep(assignments: out)
    }

    /// A scalar value as a template; numbers and booleans become constant holes of their type.
    func template(_ node: Node, what: String, allowOutcome: Bool = false) -> Template? {
        guard case let .scalar(s) = node else {
            error(node, "\(what) must be a value (text, number or true/false), got \(Self.describe(node))")
            return nil
        }
        if s.style == .plain {
            if node.null != nil { return Template(source: "null", parts: [.hole(.literal(.null))]) }
            if let b = node.bool { return Template(source: s.string, parts: [.hole(.literal(.bool(b)))]) }
            if let n = node.float, NodeReader.int(node) != nil || s.string.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) {
                return Template(source: s.string, parts: [.hole(.literal(.number(n)))])
            }
        }
        do {
            return try Template.parse(s.string, allowOutcome: allowOutcome)
        } catch {
            self.error(node, "\(what): \(error)")
            return nil
        }
    }

    func expression(_ node: Node, what: String, allowOutcome: Bool = false) -> (String, Expression)? {
        guard let text = string(node, what: what) else { return nil }
        do {
            return (text, try ExpressionParser.parse(text, allowOutcome: allowOutcome))
        } catch {
            self.error(node, "\(what): \(error)")
            return nil
        }
    }

    private func parseBranch(_ node: Node) -> BranchStep? {
        guard let f = mapping(node, what: "branch", allowed: ["cases", "else"], required: ["cases", "else"]) else { return nil }
        var cases: [BranchCase] = []
        if let n = f["cases"] {
            if case let .sequence(seq) = n, !seq.isEmpty {
                for (i, item) in seq.enumerated() {
                    guard let c = mapping(item, what: "case \(i + 1)", allowed: ["if", "goto"], required: ["if", "goto"]) else { continue }
                    guard let cond = c["if"].flatMap({ expression($0, what: "case \(i + 1) 'if'") }),
                          let target = c["goto"].flatMap({ ref($0, what: "case \(i + 1) 'goto'") }) else { continue }
                    cases.append(BranchCase(source: cond.0, condition: cond.1, target: target, line: NodeReader.line(c["if"])))
                }
            } else {
                error(n, "'cases' must be a list of {if: condition, goto: step}, got \(Self.describe(n))")
            }
        }
        guard let otherwise = f["else"].flatMap({ ref($0, what: "'else'") }) else { return nil }
        return BranchStep(cases: cases, otherwise: otherwise)
    }

    private func parseRecord(_ node: Node) -> RecordStep? {
        guard let f = mapping(node, what: "record", allowed: Self.recordKeys) else { return nil }
        var r = RecordStep(consent: nil, prompts: [], maxLength: .seconds(60), silence: .seconds(5), finishOnKey: "#", into: nil)
        if let n = f["prompt"] { r.prompts = refs(n, what: "'prompt'") }
        if let n = f["max_length"], let d = duration(n, what: "'max_length'", max: .seconds(600)) { r.maxLength = d }
        if let n = f["silence"], let d = duration(n, what: "'silence'", max: .seconds(60)) { r.silence = d }
        if let n = f["finish_on_key"], let k = key(n, what: "'finish_on_key'") { r.finishOnKey = k }
        if let n = f["into"] { r.into = identifier(n, what: "'into'") }
        if let n = f["on_error"] { r.onError = ref(n, what: "'on_error'") }
        if let n = f["consent"] { r.consent = parseConsent(n) }
        if let consent = r.consent, consent.optOutKey == r.finishOnKey {
            error(f["consent"], "'opt_out_key' '\(consent.optOutKey)' is also the recording's 'finish_on_key'; use another key")
        }
        return r
    }

    /// `consent: { say: "…" | prompt: [ids], opt_out_key: "9", wait: 3s, on_opt_out: step }`.
    private func parseConsent(_ node: Node) -> RecordingConsent? {
        guard let f = mapping(node, what: "consent", allowed: Self.consentKeys, required: ["opt_out_key"]) else { return nil }
        guard f["prompt"] != nil || f["say"] != nil else {
            error(node, "'consent' needs 'say' (text) or 'prompt' (prompt ids) announcing the recording and the opt-out key")
            return nil
        }
        if f["prompt"] != nil, f["say"] != nil {
            error(node, "'consent' takes either 'prompt' or 'say', not both")
            return nil
        }
        var c = RecordingConsent(prompts: f["prompt"].map { refs($0, what: "'prompt'") } ?? [],
                                 speech: f["say"].flatMap { parseSay($0, voice: f["voice"]) },
                                 optOutKey: "9", wait: .seconds(3), onOptOut: nil)
        if let n = f["opt_out_key"], let k = key(n, what: "'opt_out_key'") {
            guard let k else {
                error(n, "'opt_out_key' must be a key: a consent the caller cannot refuse is no consent")
                return nil
            }
            c.optOutKey = k
        }
        if let n = f["wait"], let d = duration(n, what: "'wait'", max: .seconds(30)) { c.wait = d }
        if let n = f["on_opt_out"] { c.onOptOut = ref(n, what: "'on_opt_out'") }
        return c
    }
}
