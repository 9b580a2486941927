#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The texts a decoder is built from for one keyword list: a small dictionary (keyword words and,
/// for the grammar, one pseudo-word per phone), the keyword-spotting list with thresholds, and the
/// JSGF grammars: the menu's keywords, and a
/// free phone loop whose score the keyword path is compared with.
struct RecognitionPlan: Equatable {
    /// Pseudo-words of the garbage loop are named `phn_<phone>`; they never match a keyword.
    static let phonePrefix = "phn_"

    var dictionaryText: String
    var keywordFileText: String
    var grammarText: String
    /// The free phone loop the keyword path is compared with (grammar mode).
    var garbageText: String
    /// Keyword phrase → kws threshold actually used.
    var kwsThreshold: [String: Double]
    /// Words that belong to keywords (as opposed to phone pseudo-words and fillers).
    var keywordWords: Set<String>

    init(configuration: RecognizerConfiguration, lexicon: Lexicon) {
        var dict = ""
        var words: [String] = []
        for k in configuration.keywords {
            for w in k.phrase.split(separator: " ").map(String.init) where !words.contains(w) { words.append(w) }
        }
        for w in words {
            for (i, pron) in lexicon.pronunciations(of: w).enumerated() {
                dict += (i == 0 ? w : "\(w)(\(i + 1))") + " " + pron.joined(separator: " ") + "\n"
            }
        }
        if configuration.mode == .grammar {
            for p in lexicon.phones { dict += Self.phonePrefix + p.lowercased() + " " + p + "\n" }
        }
        dictionaryText = dict
        keywordWords = Set(words)

        var thresholds: [String: Double] = [:]
        var kws = ""
        for k in configuration.keywords {
            let phones = k.phrase.split(separator: " ")
                .map { lexicon.pronunciations(of: String($0)).first?.count ?? 0 }
                .reduce(0, +)
            let t = k.threshold ?? Self.power10(-configuration.kwsExponentPerPhone * Double(phones))
            thresholds[k.phrase] = t
            kws += "\(k.phrase) /\(t)/\n"
        }
        kwsThreshold = thresholds
        keywordFileText = kws

        let keywordAlternatives = configuration.keywords.map(\.phrase).joined(separator: " | ")
        let phoneAlternatives = lexicon.phones.map { Self.phonePrefix + $0.lowercased() }.joined(separator: " | ")
        grammarText = """
            #JSGF V1.0;
            grammar menu;
            public <keyword> = \(keywordAlternatives);

            """
        garbageText = """
            #JSGF V1.0;
            grammar garbage;
            public <garbage> = <phone>+;
            <phone> = \(phoneAlternatives);

            """
    }

    static func power10(_ x: Double) -> Double { pow(10, x) }
}

