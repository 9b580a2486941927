/// One keyword of a listening menu: a lowercase word or phrase and an optional acceptance threshold.
public struct Keyword: Sendable, Equatable, Hashable {
    /// Lowercase word or phrase (`"sales"`, `"opening hours"`).
    public var phrase: String
    /// Keyword spotting: the PocketSphinx detection threshold (1e-80 ... 1; smaller accepts more).
    /// Grammar: the minimum confidence (0 ... 1). nil: the mode's default for this phrase.
    public var threshold: Double?

    public init(_ phrase: String, threshold: Double? = nil) {
        self.phrase = phrase
        self.threshold = threshold
    }
}

/// How a recognizer decides which keyword (if any) was said.
public enum RecognitionMode: String, Sendable, Equatable, CaseIterable {
    /// PocketSphinx keyword spotting: each keyword against a phone loop, accepted above its threshold.
    case keywordSpotting = "kws"
    /// A JSGF grammar `<keyword> | <garbage>` where garbage is a weighted phone loop; the decoded
    /// keyword is accepted when its lattice posterior reaches the keyword's threshold.
    case grammar
}

/// Everything a `KeywordRecognizer` needs besides the lexicon. A value: build it from the flow's
/// menu options and the daemon config (model path per language).
public struct RecognizerConfiguration: Sendable, Equatable {
    /// Debian's `pocketsphinx-en-us` acoustic model.
    public static let defaultModelPath = "/usr/share/pocketsphinx/model/en-us/en-us"

    public var keywords: [Keyword]
    public var modelPath: String
    public var mode: RecognitionMode
    /// Grammar mode: confidence = logistic(marginWeight × margin + segmentMarginWeight × segmentMargin
    /// + confidenceBias). Both margins say how much better, per keyword frame, the keyword scores than
    /// a free phone loop over the same audio (log base 1.0001 units): `margin` compares the whole
    /// utterance's path scores, `segmentMargin` only the acoustic scores of the keyword's own frames
    /// (noise or other words around the keyword do not dilute it). The weights are fitted across
    /// speech engines (espeak-ng, flite, Piper; clean, 20 dB and 10 dB noise, through Opus) by
    /// Tests/SpeechTests/AccuracyTests, which prints them, and scaled to a menu's confirmation band:
    /// 0.5 is where a quarter of out-of-menu utterances would be asked about ("Did you say …?"),
    /// 0.8 where wrong options taken without a question stay at 0.5 % of trials. The figures with
    /// each engine held out are in Flows/README.md.
    public var marginWeight: Double
    public var segmentMarginWeight: Double
    public var confidenceBias: Double
    /// Grammar mode: default minimum confidence when a keyword has no threshold.
    public var defaultConfidence: Double
    /// Keyword spotting: default threshold exponent per phone (threshold = 10^(-perPhone × phones)).
    public var kwsExponentPerPhone: Double
    /// Input sample rate; the en-us model expects 16 kHz.
    public var sampleRate: Int

    public init(
        keywords: [Keyword],
        modelPath: String = RecognizerConfiguration.defaultModelPath,
        mode: RecognitionMode = .grammar,
        marginWeight: Double = 0.00727,
        segmentMarginWeight: Double = 0.04788,
        confidenceBias: Double = 0.45088,
        defaultConfidence: Double = 0.5,
        kwsExponentPerPhone: Double = 1.5,
        sampleRate: Int = 16_000
    ) {
        self.keywords = keywords
        self.modelPath = modelPath
        self.mode = mode
        self.marginWeight = marginWeight
        self.segmentMarginWeight = segmentMarginWeight
        self.confidenceBias = confidenceBias
        self.defaultConfidence = defaultConfidence
        self.kwsExponentPerPhone = kwsExponentPerPhone
        self.sampleRate = sampleRate
    }

    /// Convenience: plain keyword strings (a menu's `say:` values), default thresholds.
    public init(words: [String], modelPath: String = RecognizerConfiguration.defaultModelPath,
                mode: RecognitionMode = .grammar) {
        self.init(keywords: words.map { Keyword($0) }, modelPath: modelPath, mode: mode)
    }

    /// Checks the keywords' spelling and thresholds (not the dictionary).
    func validate() throws {
        guard !keywords.isEmpty else { throw SpeechError.noKeywords }
        for k in keywords {
            let ok = !k.phrase.isEmpty && !k.phrase.hasPrefix(" ") && !k.phrase.hasSuffix(" ")
                && !k.phrase.contains("  ")
                && k.phrase.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "'" || $0 == " " }
            guard ok else { throw SpeechError.invalidKeyword(keyword: k.phrase) }
            if let t = k.threshold {
                switch mode {
                case .keywordSpotting:
                    guard t >= 1e-80, t <= 1 else {
                        throw SpeechError.invalidThreshold(keyword: k.phrase, threshold: t, expected: "1e-80...1")
                    }
                case .grammar:
                    guard t >= 0, t <= 1 else {
                        throw SpeechError.invalidThreshold(keyword: k.phrase, threshold: t, expected: "0...1")
                    }
                }
            }
        }
    }
}
