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

    let steps: [String: Step]
    let followupRules: [FollowupRule]
    let initialVariables: [String: FlowValue]
    let lines: FlowLines

    init(name: String, file: String, numbers: [String], start: String, language: String?, description: String?,
         redact: [String], versionHash: String, stepNames: [String], steps: [String: Step],
         followupRules: [FollowupRule], initialVariables: [String: FlowValue], lines: FlowLines, onDrain: String? = nil) {
        self.onDrain = onDrain
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
}

extension Flow {
    /// A spoken keyword a menu listens for, with where it is written (for dictionary checks).
    public struct SpokenKeyword: Sendable, Equatable {
        public var word: String
        public var step: String
        public var line: Int
    }

    /// Every `say:` keyword of every menu, in step-name order.
    public var spokenKeywords: [SpokenKeyword] {
        steps.keys.sorted().flatMap { name -> [SpokenKeyword] in
            guard case let .menu(menu)? = steps[name]?.kind else { return [] }
            return menu.options.flatMap { o in o.keywords.map { SpokenKeyword(word: $0, step: name, line: o.line) } }
        }
    }
}
