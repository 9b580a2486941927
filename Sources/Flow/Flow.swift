/// A loaded, validated call flow.
public struct Flow: Sendable {
    /// The flow's name (`name:`); the daemon routes by it and by `numbers`.
    public let name: String
    /// The file it was loaded from.
    public let file: String
    /// The business numbers (`phone_number_id`s) it answers; empty means "only as the default flow".
    public let numbers: [String]
    /// The first step.
    public let start: String
    /// Language of spoken keywords (`en-us`), if the flow listens for any.
    public let language: String?
    public let description: String?
    /// Variable names masked as `***` in outcome records and logs.
    public let redact: [String]
    /// SHA-256 of the file's bytes, lowercase hex: changes whenever the file does.
    public let versionHash: String
    /// Step names in file order.
    public let stepNames: [String]
    /// The step a running call jumps to when the server drains (`on_drain:`), e.g. a goodbye prompt.
    public let onDrain: String?
    /// Hosts this flow's `http` steps may call (`http_allow`): names, `*.domain` or IP addresses.
    /// A listed host may also be private or loopback; unlisted hosts must be public addresses,
    /// and when any allow-list is set (here or `flows.http_allow`), must be listed.
    public internal(set) var httpAllow: [String] = []
    /// Prompt languages (`languages: [en-us, es]`), the first the default. The `language` variable picks
    /// one for the rest of the call; prompts resolve from `Prompts/<lang>/<id>.*`, then `Prompts/<id>.*`.
    public let languages: [String]

    let steps: [String: Step]
    let followupRules: [FollowupRule]
    let initialVariables: [String: FlowValue]
    let lines: FlowLines

    init(name: String, file: String, numbers: [String], start: String, language: String?, description: String?,
         redact: [String], versionHash: String, stepNames: [String], steps: [String: Step],
         followupRules: [FollowupRule], initialVariables: [String: FlowValue], lines: FlowLines, onDrain: String? = nil,
         languages: [String] = []) {
        self.onDrain = onDrain
        self.languages = languages
        self.name = name
        self.file = file
        self.numbers = numbers
        self.start = start
        self.language = language
        self.description = description
        self.redact = redact
        self.versionHash = versionHash
        self.stepNames = stepNames
        self.steps = steps
        self.followupRules = followupRules
        self.initialVariables = initialVariables
        self.lines = lines
    }

    /// The kind of a step (`menu`, `gather`…), or nil if there is no such step.
    public func kind(ofStep name: String) -> String? { steps[name]?.kind.name }

    /// The variable that selects the prompt language.
    public static let languageVariable = "language"

    /// A language tag usable as a folder name: `en-us`, `es`, `pt-BR`.
    static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// The prompt language for these variables: `vars.language` when it is one of `languages`, else the first
    /// declared language; nil when the flow declares none.
    public func promptLanguage(_ variables: [String: FlowValue]) -> String? {
        if case let .string(chosen)? = variables[Self.languageVariable], languages.contains(chosen) { return chosen }
        return languages.first
    }

    /// `variables` with every name listed in `redact` replaced by `***`.
    public func redacted(_ variables: [String: FlowValue]) -> [String: FlowValue] {
        var out = variables
        for name in redact where out[name] != nil { out[name] = .string("***") }
        return out
    }
}

/// Where the flow's top-level parts are written, for diagnostics.
struct FlowLines: Sendable {
    var name = 1
    var numbers: [Int] = []
    var start = 1
    var onDrain = 1
    var redact: [Int] = []
    var languages = 1
}

extension Flow {
    /// A spoken keyword a menu listens for, with where it is written (for dictionary checks).
    public struct SpokenKeyword: Sendable, Equatable {
        public var word: String
        public var step: String
        public var line: Int
    }

    /// A `say:` text with no `{{ }}`: rendered once, ahead of the first call.
    public struct StaticSpeech: Sendable, Equatable {
        public var text: String
        public var voice: String
        public var language: String
        public var step: String
        public var line: Int
    }

    /// The language a `say:` is spoken in when the flow declares none.
    public static let defaultSpeechLanguage = "en-us"

    /// Every static `say:` text (each language's), in step order (texts filled in per call are rendered per call).
    public var staticSpeech: [StaticSpeech] {
        stepNames.flatMap { name -> [StaticSpeech] in
            let speech: SpokenText?
            switch steps[name]?.kind {
            case let .play(p)?: speech = p.speech
            case let .record(r)?: speech = r.consent?.speech
            default: speech = nil
            }
            guard let s = speech else { return [] }
            return s.versions.compactMap { v -> StaticSpeech? in
                guard v.text.isConstant else { return nil }
                let language = v.language ?? languages.first ?? Self.defaultSpeechLanguage
                return StaticSpeech(text: v.text.source, voice: s.voice(for: language), language: language, step: name, line: v.line)
            }
        }
    }

    /// Every `say:` keyword of every menu, in step-name order.
    public var spokenKeywords: [SpokenKeyword] {
        steps.keys.sorted().flatMap { name -> [SpokenKeyword] in
            guard case let .menu(menu)? = steps[name]?.kind else { return [] }
            return menu.options.flatMap { o in o.keywords.map { SpokenKeyword(word: $0, step: name, line: o.line) } }
        }
    }
}
