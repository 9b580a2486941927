#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPocketSphinx
import Wire

/// A keyword the recognizer accepted, with a confidence in 0...1.
public struct KeywordMatch: Sendable, Equatable {
    public var word: String
    public var confidence: Double

    public init(word: String, confidence: Double) {
        self.word = word
        self.confidence = confidence
    }
}

/// Offline keyword recognition for one listening menu (one call). Wraps one PocketSphinx decoder
/// that holds only the menu's keywords (and phone words for the garbage loop), not the whole
/// dictionary. Not Sendable: one task (or one `RecognizerPool` worker) owns it.
///
/// Feed 16 kHz mono frames with `process`, and call `endUtterance` when voice activity ends. Each
/// utterance yields at most one match: keyword spotting can return it from `process` as soon as the
/// keyword is heard; the grammar returns it from `endUtterance`.
public final class KeywordRecognizer {
    public let configuration: RecognizerConfiguration
    /// Longest utterance the grammar mode buffers before it ends the utterance itself.
    public static let maxUtteranceSeconds = 10
    private let decoder: OpaquePointer
    private let logmath: OpaquePointer
    private let plan: RecognitionPlan
    private var inUtterance = false
    private var answered = false
    /// Grammar mode: the utterance's audio, decoded again by the phone loop at its end.
    private var utterance: [Int16] = []
    /// Grammar mode: the last utterance's per-frame margins, whole path and keyword frames (diagnostics).
    public private(set) var lastMargin: Double?
    public private(set) var lastSegmentMargin: Double?
    /// Grammar mode: the keyword the closed grammar decoded for the last utterance, accepted or not.
    public private(set) var lastHypothesis: String?
    /// Samples fed in the current utterance.
    public private(set) var utteranceSamples = 0

    public init(configuration: RecognizerConfiguration, lexicon: Lexicon) throws {
        try configuration.validate()
        for file in ["mdef", "means", "variances", "transition_matrices", "noisedict"]
        where !FileText.exists(configuration.modelPath + "/" + file) {
            throw SpeechError.missingModel(path: configuration.modelPath, file: file)
        }
        let missing = lexicon.missingWords(in: configuration.keywords.map(\.phrase))
        guard missing.isEmpty else {
            throw SpeechError.wordsNotInDictionary(words: missing, dictionary: lexicon.path)
        }
        let plan = RecognitionPlan(configuration: configuration, lexicon: lexicon)
        guard let dictPath = FileText.writeTemporary(plan.dictionaryText, prefix: "ivr-dict-") else {
            throw SpeechError.decoder(operation: "write temporary dictionary", code: -1)
        }
        defer { FileText.remove(dictPath) }
        var args = [
            "-hmm", configuration.modelPath, "-dict", dictPath,
            "-samprate", String(configuration.sampleRate), "-cmn", "live",
            // Wider than the defaults (1e-48, 7e-29, 1e-48): the keyword path of a short word
            // otherwise loses to phone-loop paths in noise (measured: 63 % → 67 % accuracy at ≤ 5 % FA).
            "-beam", "1e-80", "-wbeam", "1e-60", "-pbeam", "1e-80",
        ]
        var keyfile: String?
        if configuration.mode == .keywordSpotting {
            guard let path = FileText.writeTemporary(plan.keywordFileText, prefix: "ivr-kws-") else {
                throw SpeechError.decoder(operation: "write temporary keyword list", code: -1)
            }
            keyfile = path
            args += ["-kws", path]
        }
        defer { if let keyfile { FileText.remove(keyfile) } }
        let (decoder, logmath) = try Self.setUp.withLock { _ in
            try Self.prepare(args: args, configuration: configuration, plan: plan)
        }
        self.configuration = configuration
        self.decoder = decoder
        self.logmath = logmath
        self.plan = plan
    }

    /// The part of `init` that touches PocketSphinx's shared state, under `setUp`.
    private static func prepare(args: [String], configuration: RecognizerConfiguration, plan: RecognitionPlan) throws
        -> (decoder: OpaquePointer, logmath: OpaquePointer) {
        guard let decoder = makeDecoder(args) else {
            throw SpeechError.decoder(operation: "ps_init", code: -1)
        }
        if configuration.mode == .grammar {
            let rc = ps_set_jsgf_string(decoder, "menu", plan.grammarText)
            guard rc == 0 else { ps_free(decoder); throw SpeechError.decoder(operation: "ps_set_jsgf_string", code: rc) }
            let rcg = ps_set_jsgf_string(decoder, "garbage", plan.garbageText)
            guard rcg == 0 else { ps_free(decoder); throw SpeechError.decoder(operation: "ps_set_jsgf_string", code: rcg) }
            let rc2 = ps_set_search(decoder, "menu")
            guard rc2 == 0 else { ps_free(decoder); throw SpeechError.decoder(operation: "ps_set_search", code: rc2) }
        }
        guard let logmath = ps_get_logmath(decoder) else {
            ps_free(decoder)
            throw SpeechError.decoder(operation: "ps_get_logmath", code: -1)
        }
        return (decoder, logmath)
    }

    deinit {
        if inUtterance { ps_end_utt(decoder) }
        Self.setUp.withLock { _ in _ = ps_free(decoder) }
    }

    /// PocketSphinx's log is one process-wide FILE*: `-logfn` on each decoder re-opened it and closed
    /// the previous one under decoders logging on other threads (heap corruption, seen as "corrupted
    /// double-linked list" in a parallel accuracy run). It is switched off once, before any decoder.
    private static let loggingOff: Void = { err_set_logfp(nil) }()
    /// Decoder set-up (the model, the dictionary, JSGF parsing) is not known to be thread-safe in
    /// PocketSphinx 5prealpha: one at a time. Decoding itself runs in parallel.
    static let setUp = Locked(())

    private static func makeDecoder(_ args: [String]) -> OpaquePointer? {
        _ = loggingOff
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
        defer { for p in argv { free(p) } }
        guard let config = cmd_ln_parse_r(nil, ps_args(), Int32(argv.count), &argv, 1) else { return nil }
        defer { cmd_ln_free_r(config) }
        return ps_init(config)
    }

    /// Feeds 16 kHz mono samples (any count, typically 20 ms = 320). Starts an utterance if none is
    /// open. Returns a match when keyword spotting detects one (once per utterance), else nil.
    public func process(_ pcm: [Int16]) throws -> KeywordMatch? {
        if !inUtterance {
            let rc = ps_start_utt(decoder)
            guard rc == 0 else { throw SpeechError.decoder(operation: "ps_start_utt", code: rc) }
            inUtterance = true
            answered = false
            utterance.removeAll(keepingCapacity: true)
            utteranceSamples = 0
        }
        guard !pcm.isEmpty else { return nil }
        let rc = pcm.withUnsafeBufferPointer { ps_process_raw(decoder, $0.baseAddress, $0.count, 0, 0) }
        guard rc >= 0 else { throw SpeechError.decoder(operation: "ps_process_raw", code: rc) }
        utteranceSamples += pcm.count
        if configuration.mode == .grammar { utterance += pcm }
        // Grammar mode buffers the utterance for its second pass: a caller who never stops talking
        // (or a VAD that never closes) ends the utterance here after `maxUtteranceSeconds`.
        if configuration.mode == .grammar, utteranceSamples >= Self.maxUtteranceSeconds * configuration.sampleRate {
            return try endUtterance()
        }
        guard configuration.mode == .keywordSpotting, !answered, let match = spotted() else { return nil }
        answered = true
        return match
    }

    /// Ends the utterance (voice activity ended). Returns the utterance's match unless `process`
    /// already returned it; nil when no keyword passed its threshold or no utterance was open.
    public func endUtterance() throws -> KeywordMatch? {
        guard inUtterance else { return nil }
        inUtterance = false
        let rc = ps_end_utt(decoder)
        guard rc >= 0 else { throw SpeechError.decoder(operation: "ps_end_utt", code: rc) }
        guard !answered else { return nil }
        answered = true
        switch configuration.mode {
        case .keywordSpotting: return spotted()
        case .grammar: return try decoded()
        }
    }

    /// Keyword spotting: the best detection so far. Its log-likelihood ratio margin over the
    /// keyword's threshold maps to confidence 0.5 (at threshold) ... 1.
    private func spotted() -> KeywordMatch? {
        var best: KeywordMatch?
        for segment in segments() {
            // PocketSphinx keeps the space before "/threshold/" in the keyphrase.
            let word = segment.word.split(separator: " ").joined(separator: " ")
            guard let threshold = plan.kwsThreshold[word] else { continue }
            let margin = logmath_log_to_log10(logmath, segment.probability) - log10(threshold)
            let confidence = min(1, max(0, 0.5 + margin / 40))
            if confidence > (best?.confidence ?? -1) { best = KeywordMatch(word: word, confidence: confidence) }
        }
        return best
    }

    /// Grammar: the keyword the closed grammar decoded, scored against a free phone loop over the
    /// same audio, over the whole utterance and over the keyword's own frames; the two per-frame
    /// margins map to a confidence by a logistic.
    private func decoded() throws -> KeywordMatch? {
        lastMargin = nil
        lastSegmentMargin = nil
        lastHypothesis = nil
        var keywordScore: Int32 = 0
        guard let hypPointer = ps_get_hyp(decoder, &keywordScore) else { return nil }
        let phrase = String(cString: hypPointer).split(separator: " ").joined(separator: " ")
        guard let keyword = configuration.keywords.first(where: { $0.phrase == phrase }) else { return nil }
        lastHypothesis = phrase
        let keywordSegments = segments().filter { plan.keywordWords.contains(Self.baseWord($0.word)) }
        let speechFrames = keywordSegments.reduce(Int32(0)) { $0 + $1.frames }
        guard speechFrames > 0 else { return nil }
        let garbage = try decode(search: "garbage")
        let frames = Double(speechFrames)
        let margin = Double(keywordScore - garbage.score) / frames
        let keywordAcoustic = keywordSegments.reduce(0.0) { $0 + Double($1.acoustic) }
        let loopAcoustic = keywordSegments.reduce(0.0) { total, k in
            total + garbage.segments.reduce(0.0) { $0 + $1.acoustic(overlapping: k.start...k.end) }
        }
        let segmentMargin = (keywordAcoustic - loopAcoustic) / frames
        lastMargin = margin
        lastSegmentMargin = segmentMargin
        let x = configuration.marginWeight * margin + configuration.segmentMarginWeight * segmentMargin
            + configuration.confidenceBias
        let confidence = 1 / (1 + exp(-x))
        guard confidence >= keyword.threshold ?? configuration.defaultConfidence else { return nil }
        return KeywordMatch(word: phrase, confidence: confidence)
    }

    /// A word of the last hypothesis: its frames, acoustic score and posterior (keyword spotting:
    /// the detection score).
    struct Segment {
        var word: String
        var start: Int32
        var end: Int32
        var acoustic: Int32
        var probability: Int32 = 0
        var frames: Int32 { end - start + 1 }

        /// This segment's acoustic score, pro rata for the frames it shares with `range`.
        func acoustic(overlapping range: ClosedRange<Int32>) -> Double {
            let shared = min(end, range.upperBound) - max(start, range.lowerBound) + 1
            guard shared > 0, frames > 0 else { return 0 }
            return Double(acoustic) * Double(shared) / Double(frames)
        }
    }

    /// "word(2)" (an alternative pronunciation) → "word".
    static func baseWord(_ word: String) -> String {
        word.firstIndex(of: "(").map { String(word[..<$0]) } ?? word
    }

    private func segments() -> [Segment] {
        var out: [Segment] = []
        var seg = ps_seg_iter(decoder)
        while let s = seg {
            var sf: Int32 = 0, ef: Int32 = 0, ascr: Int32 = 0, lscr: Int32 = 0, lback: Int32 = 0
            ps_seg_frames(s, &sf, &ef)
            let probability = ps_seg_prob(s, &ascr, &lscr, &lback)
            out.append(Segment(word: ps_seg_word(s).map { String(cString: $0) } ?? "", start: sf, end: ef, acoustic: ascr,
                               probability: probability))
            seg = ps_seg_next(s)
        }
        return out
    }

    /// Decodes the buffered utterance with another search and returns its best path score and
    /// words; the menu search is active again afterwards.
    private func decode(search: String) throws -> (score: Int32, segments: [Segment]) {
        var rc = ps_set_search(decoder, search)
        guard rc == 0 else { throw SpeechError.decoder(operation: "ps_set_search", code: rc) }
        defer { ps_set_search(decoder, "menu") }
        rc = ps_start_utt(decoder)
        guard rc == 0 else { throw SpeechError.decoder(operation: "ps_start_utt", code: rc) }
        rc = utterance.withUnsafeBufferPointer { ps_process_raw(decoder, $0.baseAddress, $0.count, 0, 1) }
        guard rc >= 0 else { _ = ps_end_utt(decoder); throw SpeechError.decoder(operation: "ps_process_raw", code: rc) }
        rc = ps_end_utt(decoder)
        guard rc >= 0 else { throw SpeechError.decoder(operation: "ps_end_utt", code: rc) }
        var best: Int32 = 0
        _ = ps_get_hyp(decoder, &best)
        return (best, segments())
    }
}
