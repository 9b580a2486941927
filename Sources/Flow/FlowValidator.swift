import Foundation

/// Checks a built flow as a whole: references, prompt files, reachability and input-free loops.
struct FlowValidator {
    let flow: Flow
    let reader: NodeReader
    let promptsDirectory: String?

    static let promptExtensions = ["wav", "flac", "ogg", "mp3"]

    func run() {
        let names = Set(flow.stepNames)
        if let drain = flow.onDrain, !names.isEmpty, !names.contains(drain) {
            reader.error(nil, "'on_drain' refers to missing step '\(drain)'\(hint(drain)); expected one of the steps", line: flow.lines.onDrain)
        }
        if !flow.start.isEmpty, !names.isEmpty, !names.contains(flow.start) {
            reader.error(nil, "'start' refers to missing step '\(flow.start)'\(hint(flow.start)); expected one of the steps", line: flow.lines.start)
        }
        for name in flow.stepNames {
            guard let step = flow.steps[name] else { continue }
            reader.step = name
            for (target, _) in step.edges where !names.contains(target.name) {
                reader.error(nil, "refers to missing step '\(target.name)'\(hint(target.name))", line: target.line)
            }
            if case let .play(p) = step.kind, let speech = p.speech { checkSpeech(speech) }
            if case let .record(r) = step.kind, let speech = r.consent?.speech { checkSpeech(speech) }
            if case let .menu(m) = step.kind {
                for option in m.options { if let speech = option.confirmSpeech { checkSpeech(speech) } }
            }
            if let dir = promptsDirectory {
                var checked = Set<String>()
                for prompt in step.prompts where checked.insert(prompt.name).inserted {
                    checkPrompt(prompt, dir: dir)
                }
            }
        }
        reader.step = nil
        checkLanguageAssignments()
        reportUnreachable()
        reportSpinningLoops()
        reportUnsetVariables()
    }

    /// A `say:` needs a text for every declared language (the map form when there are several) and a voice
    /// that speaks each one.
    private func checkSpeech(_ speech: SpokenText) {
        let declared = flow.languages
        var spoken: [String] = []
        if speech.isByLanguage {
            guard !declared.isEmpty else {
                reader.error(nil, "'say' by language needs the flow's 'languages' (for example languages: [\(speech.versions.compactMap(\.language).joined(separator: ", "))])", line: speech.line)
                return
            }
            for v in speech.versions {
                guard let language = v.language else { continue }
                if declared.contains(language) {
                    spoken.append(language)
                } else {
                    reader.error(nil, "'say' has a text for '\(language)', which is not in 'languages'; expected one of: \(declared.joined(separator: ", "))", line: v.line)
                }
            }
            for language in declared where !spoken.contains(language) {
                reader.error(nil, "'say' has no text for language '\(language)'; add \(language): \"…\" (callers in '\(language)' would hear the '\(speech.versions.first?.language ?? "")' text)", line: speech.line)
            }
        } else if declared.count > 1 {
            reader.error(nil, "'say' has one text but the flow speaks \(declared.joined(separator: ", ")); write one per language, like say: {\(declared.map { "\($0): \"…\"" }.joined(separator: ", "))}", line: speech.line)
            return
        } else {
            spoken = [declared.first ?? "en-us"]
        }
        for language in speech.voiceByLanguage.keys.sorted() where !spoken.contains(language) {
            reader.error(nil, "'voice' names language '\(language)', which 'say' has no text for", line: speech.voiceLine ?? speech.line)
        }
        for language in spoken {
            let voice = speech.voice(for: language)
            guard SpeechVoices.isKnown(voice), !SpeechVoices.speaks(voice: voice, language: language) else { continue }
            let line = speech.voiceLine ?? speech.versions.first { $0.language == language }?.line ?? speech.line
            let other = SpeechVoices.defaultVoice(for: language)
            let hint = SpeechVoices.speaks(voice: other, language: language) ? "use voice '\(other)'" : "no voice speaks it"
            reader.error(nil, "voice '\(voice)' cannot speak language '\(language)' (it speaks \(SpeechVoices.languages(of: voice))); \(hint), or record Prompts/\(language)/ files and play them", line: line)
        }
    }

    /// `set: { language: es }` must name a declared language (else the call keeps the default).
    private func checkLanguageAssignments() {
        guard !flow.languages.isEmpty else { return }
        for name in flow.stepNames {
            guard case let .set(s)? = flow.steps[name]?.kind else { continue }
            reader.step = name
            for a in s.assignments where a.name == Flow.languageVariable && a.value.isConstant && !flow.languages.contains(a.value.source) {
                reader.error(nil, "sets language to '\(a.value.source)', which is not in 'languages'; expected one of: \(flow.languages.joined(separator: ", "))", line: a.line)
            }
        }
        reader.step = nil
    }

    /// A variable read somewhere but written nowhere is almost always a typo: warn, with a suggestion.
    private func reportUnsetVariables() {
        var written = Set(flow.initialVariables.keys)
        for step in flow.steps.values { written.formUnion(step.variablesWritten) }
        let known = Array(written).sorted()
        func check(_ name: String, line: Int) {
            guard !written.contains(name) else { return }
            let hint = NodeReader.suggestion(name, among: known).map { "; did you mean 'vars.\($0)'?" } ?? "; expected a variable set by vars, set, gather, menu 'into', http 'save' or record 'into'"
            reader.warning(nil, "reads vars.\(name), which nothing sets (it will be null)\(hint)", line: line)
        }
        for name in flow.stepNames {
            guard let step = flow.steps[name] else { continue }
            reader.step = name
            var seen = Set<String>()
            for (variable, line) in step.variablesRead where seen.insert(variable).inserted { check(variable, line: line) }
        }
        reader.step = nil
        for rule in flow.followupRules {
            var seen = Set<String>()
            for variable in rule.variablesRead where seen.insert(variable).inserted { check(variable, line: rule.line) }
        }
    }

    private func hint(_ name: String) -> String {
        NodeReader.suggestion(name, among: flow.stepNames).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Without `languages`, `<dir>/<id>.*` must exist; with them, every language needs `<dir>/<lang>/<id>.*`
    /// or the shared `<dir>/<id>.*`.
    private func checkPrompt(_ prompt: Ref, dir: String) {
        let shared = promptExists(prompt.name, dir: dir)
        guard !flow.languages.isEmpty else {
            if !shared {
                reader.error(nil, "prompt '\(prompt.name)' not found: expected \(dir)/\(prompt.name).wav (or .flac, .ogg, .mp3)", line: prompt.line)
            }
            return
        }
        for (index, language) in flow.languages.enumerated() {
            let own = promptExists(prompt.name, dir: "\(dir)/\(language)")
            if own { continue }
            if shared {
                // Only a language that has its own folder is expected to have its own recording.
                var isDirectory: ObjCBool = false
                if index > 0, FileManager.default.fileExists(atPath: "\(dir)/\(language)", isDirectory: &isDirectory), isDirectory.boolValue {
                    reader.warning(nil, "prompt '\(prompt.name)' has no '\(language)' version: expected \(dir)/\(language)/\(prompt.name).wav (or .flac, .ogg, .mp3); callers in '\(language)' hear \(dir)/\(prompt.name).*", line: prompt.line)
                }
                continue
            }
            reader.error(nil, "prompt '\(prompt.name)' not found for language '\(language)': expected \(dir)/\(language)/\(prompt.name).wav or \(dir)/\(prompt.name).wav (or .flac, .ogg, .mp3)", line: prompt.line)
        }
    }

    private func promptExists(_ id: String, dir: String) -> Bool {
        Self.promptExtensions.contains { FileManager.default.fileExists(atPath: "\(dir)/\(id).\($0)") }
    }

    private func reportUnreachable() {
        guard flow.steps[flow.start] != nil else { return }
        // The drain step is entered from outside the graph (a server shutdown), so it is a root too.
        let roots = [flow.start] + [flow.onDrain].compactMap { $0 }.filter { flow.steps[$0] != nil }
        var seen = Set(roots)
        var queue = roots
        while let name = queue.popLast() {
            for (target, _) in flow.steps[name]?.edges ?? [] where seen.insert(target.name).inserted {
                queue.append(target.name)
            }
        }
        for name in flow.stepNames where !seen.contains(name) {
            guard let step = flow.steps[name] else { continue }
            reader.step = name
            reader.warning(nil, "unreachable: no path from start step '\(flow.start)' leads here", line: step.line)
        }
        reader.step = nil
    }

    /// A cycle made only of steps that do not wait (set, branch, http, goto) can spin forever.
    private func reportSpinningLoops() {
        var reported = Set<String>()
        for name in flow.stepNames {
            guard let step = flow.steps[name], !step.kind.waits, !reported.contains(name) else { continue }
            guard let cycle = cycle(from: name) else { continue }
            for s in cycle { reported.insert(s) }
            reader.step = name
            reader.error(nil, "loop \((cycle + [name]).joined(separator: " → ")) never waits for input; expected a menu, gather, record or play step in it",
                         line: step.line)
        }
        reader.step = nil
    }

    /// A path of non-waiting steps from `start` back to itself, or nil.
    private func cycle(from start: String) -> [String]? {
        var visited = Set<String>()
        func dfs(_ name: String, _ path: [String]) -> [String]? {
            guard let step = flow.steps[name] else { return nil }
            for (target, _) in step.edges {
                if target.name == start { return path }
                guard let t = flow.steps[target.name], !t.kind.waits, visited.insert(target.name).inserted else { continue }
                if let found = dfs(target.name, path + [target.name]) { return found }
            }
            return nil
        }
        return dfs(start, [start])
    }
}
