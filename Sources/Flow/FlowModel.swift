/// A name written in the flow file, with the line it was written on (step references, prompt ids).
struct Ref: Sendable, Equatable {
    var name: String
    var line: Int
}

/// One step of a flow: exactly one kind plus the common `next`.
struct Step: Sendable {
    var name: String
    var line: Int
    var kind: StepKind
    var next: Ref?
}

enum StepKind: Sendable {
    case play(PlayStep)
    case menu(MenuStep)
    case gather(GatherStep)
    case set(SetStep)
    case branch(BranchStep)
    case http(HTTPStep)
    case record(RecordStep)
    case hours(HoursStep)
    case scheduleCall(ScheduleCallStep)
    case goto(Ref)
    case hangup(String)

    static let names = ["play", "menu", "gather", "set", "branch", "http", "record", "hours", "schedule_call", "goto", "hangup"]

    var name: String {
        switch self {
        case .play: return "play"
        case .menu: return "menu"
        case .gather: return "gather"
        case .set: return "set"
        case .branch: return "branch"
        case .http: return "http"
        case .record: return "record"
        case .hours: return "hours"
        case .scheduleCall: return "schedule_call"
        case .goto: return "goto"
        case .hangup: return "hangup"
        }
    }

    /// Kinds that take `next` (the others name their targets themselves or end the call).
    static let takesNext: Set<String> = ["play", "gather", "set", "http", "record", "schedule_call"]
    /// Kinds that wait for the caller or for audio; a loop through none of these can spin.
    var waits: Bool {
        switch self {
        case .play, .menu, .gather, .record: return true
        default: return false
        }
    }
}

struct PlayStep: Sendable {
    var prompts: [Ref]
    var bargeIn: Bool
    /// `say:` text spoken by the text-to-speech engine instead of prompt files (a template).
    var speech: SpokenText?
}

/// Text to speak (`say:`): one text, or one per language (`say: {en-us: "…", es: "…"}`), with the voice
/// (`voice:`, one for every language or one per language; unset = the language's default voice).
struct SpokenText: Sendable {
    struct Version: Sendable {
        /// The language this text is written in; nil for the single-text form.
        var language: String?
        var text: Template
        var line: Int
    }

    var versions: [Version]
    /// `voice: rms`: one voice for every language.
    var voice: String?
    /// `voice: {en-us: rms, es: espeak}`.
    var voiceByLanguage: [String: String] = [:]
    var line: Int
    var voiceLine: Int?

    var isByLanguage: Bool { versions.first?.language != nil }

    /// The text for `language`: its own, else (map form) the one of `fallback` (the flow's first language),
    /// else the first written.
    func version(for language: String, fallback: String?) -> Version? {
        if !isByLanguage { return versions.first }
        let wanted = language.lowercased()
        return versions.first { $0.language?.lowercased() == wanted }
            ?? fallback.flatMap { f in versions.first { $0.language?.lowercased() == f.lowercased() } }
            ?? versions.first
    }

    /// The voice that speaks `language`: `voice:` for it, else the language's default voice.
    func voice(for language: String) -> String {
        voiceByLanguage[language] ?? voice ?? SpeechVoices.defaultVoice(for: language)
    }

    /// Every text (for graphs and variable checks).
    var source: String {
        isByLanguage ? versions.map { "\($0.language ?? ""): \($0.text.source)" }.joined(separator: " | ") : (versions.first?.text.source ?? "")
    }
}

struct MenuOption: Sendable {
    /// The option's key as written: a DTMF key (`0`–`9`, `*`, `#`) or, for a voice-only option, a word.
    var label: String
    var dtmf: Character?
    var keywords: [String]
    var target: Ref
    var line: Int
    /// The question asked when a keyword for this option is heard with middling confidence
    /// (`confirm:` on the option); nil: "Did you say <first keyword>? Say yes or press 1."
    var confirmSpeech: SpokenText? = nil

    /// The confirmation question for this option.
    var confirmation: SpokenText {
        if let confirmSpeech { return confirmSpeech }
        let word = keywords.first ?? label
        let source = "Did you say \(word)? Say yes or press 1."
        let text = Template(source: source, parts: [.text(source)])
        return SpokenText(versions: [.init(language: nil, text: text, line: line)], voice: nil, line: line)
    }
}

struct MenuStep: Sendable {
    var prompts: [Ref]
    var options: [MenuOption]
    var timeout: Duration
    var retries: Int
    var noInput: [Ref]
    var invalid: [Ref]
    var onFailure: Ref?
    var bargeIn: Bool
    var into: String?
    var band = ConfirmationBand()
}

struct GatherStep: Sendable {
    var prompts: [Ref]
    var into: String
    var minDigits: Int
    var maxDigits: Int
    var finishOnKey: Character?
    var firstDigitTimeout: Duration
    var interDigitTimeout: Duration
    var overallTimeout: Duration?
    var retries: Int
    var pattern: String?
    var noInput: [Ref]
    var invalid: [Ref]
    var onFailure: Ref?
    var bargeIn: Bool
}

struct Assignment: Sendable {
    var name: String
    var value: Template
    var line: Int
}

struct SetStep: Sendable {
    var assignments: [Assignment]
}

struct BranchCase: Sendable {
    var source: String
    var condition: Expression
    var target: Ref
    var line: Int
}

struct BranchStep: Sendable {
    var cases: [BranchCase]
    var otherwise: Ref
}

/// A JSON body whose strings are templates.
indirect enum JSONTemplate: Sendable {
    case object([(String, JSONTemplate)])
    case array([JSONTemplate])
    case string(Template)
    case number(Double)
    case bool(Bool)
    case null
}

struct HTTPStep: Sendable {
    var method: String
    var url: Template
    var headers: [(String, Template)]
    var body: JSONTemplate?
    var timeout: Duration
    /// Variable ← dotted path into the JSON response (`patient.name`, `slots.0`).
    var save: [(variable: String, path: String)]
    var onError: Ref?
    /// Redirects the request may follow (`redirects:`); 0 = a 3xx answer is the result.
    var redirects = 0
}

/// `record: { consent: … }`: announce the recording, offer an opt-out key, and record the answer.
struct RecordingConsent: Sendable {
    var prompts: [Ref]
    var speech: SpokenText?
    var optOutKey: Character
    /// How long after the announcement the opt-out key is still taken.
    var wait: Duration
    /// Where a caller who opted out goes (default: the step's `next`, without recording).
    var onOptOut: Ref?
}

extension RecordingConsent {
    /// The variable the answer goes in (`granted` or `declined`), also recorded on the call row.
    static let variable = "recording_consent"
}

struct RecordStep: Sendable {
    var consent: RecordingConsent?
    var prompts: [Ref]
    var maxLength: Duration
    var silence: Duration
    var finishOnKey: Character?
    var into: String?
    /// Where the flow goes when the recording fails (default: `next`, with `into` empty).
    var onError: Ref?
}

extension Step {
    /// Every step this one can move to, with the label the graph draws on the edge.
    var edges: [(target: Ref, label: String)] {
        var out: [(Ref, String)] = []
        switch kind {
        case let .menu(m):
            for o in m.options {
                var words: [String] = o.dtmf.map { [String($0)] } ?? []
                words += o.keywords.map { "\"\($0)\"" }
                out.append((o.target, words.joined(separator: " / ")))
            }
            if let f = m.onFailure { out.append((f, "failure")) }
        case let .gather(g):
            if let f = g.onFailure { out.append((f, "failure")) }
        case let .branch(b):
            for c in b.cases { out.append((c.target, c.source)) }
            out.append((b.otherwise, "else"))
        case let .http(h):
            if let e = h.onError { out.append((e, "error")) }
        case let .scheduleCall(s):
            if let e = s.onError { out.append((e, "error")) }
        case let .hours(h):
            out.append((h.open, "open"))
            out.append((h.closed, "closed"))
            if let holiday = h.holiday { out.append((holiday, "holiday")) }
        case let .record(r):
            if let o = r.consent?.onOptOut { out.append((o, "opted out")) }
            if let e = r.onError { out.append((e, "error")) }
        case let .goto(r):
            out.append((r, ""))
        default:
            break
        }
        if let next { out.append((next, kind.name == "gather" ? "digits" : "")) }
        return out
    }

    /// Every prompt id this step plays.
    var prompts: [Ref] {
        switch kind {
        case let .play(p): return p.prompts
        case let .menu(m): return m.prompts + m.noInput + m.invalid
        case let .gather(g): return g.prompts + g.noInput + g.invalid
        case let .record(r): return (r.consent?.prompts ?? []) + r.prompts
        default: return []
        }
    }
}

extension Template {
    var variablesRead: [String] {
        parts.flatMap { part -> [String] in
            if case let .hole(e) = part { return e.variablesRead }
            return []
        }
    }
}

extension JSONTemplate {
    var variablesRead: [String] {
        switch self {
        case let .object(pairs): return pairs.flatMap(\.1.variablesRead)
        case let .array(items): return items.flatMap(\.variablesRead)
        case let .string(t): return t.variablesRead
        default: return []
        }
    }
}

extension Step {
    /// Variables this step writes.
    var variablesWritten: [String] {
        switch kind {
        case let .menu(m): return m.into.map { [$0] } ?? []
        case let .gather(g): return [g.into]
        case let .set(s): return s.assignments.map(\.name)
        case let .http(h): return h.save.map(\.variable) + ["http_status"]
        case let .record(r): return (r.into.map { [$0] } ?? []) + (r.consent == nil ? [] : [RecordingConsent.variable])
        case let .hours(h): return h.into.map { [$0] } ?? []
        case .scheduleCall: return [ScheduleCallStep.scheduledAtVariable, ScheduleCallStep.errorVariable]
        default: return []
        }
    }

    /// Variables this step reads, each with the line where it is read.
    var variablesRead: [(name: String, line: Int)] {
        switch kind {
        case let .set(s):
            return s.assignments.flatMap { a in a.value.variablesRead.map { ($0, a.line) } }
        case let .branch(b):
            return b.cases.flatMap { c in c.condition.variablesRead.map { ($0, c.line) } }
        case let .record(r):
            return (r.consent?.speech?.versions ?? []).flatMap { v in v.text.variablesRead.map { ($0, v.line) } }
        case let .play(p):
            return (p.speech?.versions ?? []).flatMap { v in v.text.variablesRead.map { ($0, v.line) } }
        case let .http(h):
            let names = h.url.variablesRead + h.headers.flatMap(\.1.variablesRead) + (h.body?.variablesRead ?? [])
            return names.map { ($0, line) }
        case let .scheduleCall(s):
            return s.variablesRead.map { ($0, line) }
        default:
            return []
        }
    }
}
