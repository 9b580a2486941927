/// A pronunciation dictionary in CMU format (`word PH PH ...`, alternates as `word(2) ...`), loaded
/// once and shared (Sendable). The flow validator asks it which menu keywords it lacks; recognizers
/// take their keywords' pronunciations from it, so a decoder never loads the whole dictionary.
public struct Lexicon: Sendable, Equatable {
    /// The file it was loaded from (for messages).
    public let path: String
    /// Word → pronunciations (phones, upper case), in file order.
    private var entries: [String: [[String]]]
    /// Every phone the dictionary uses (the garbage phone loop is built from these), sorted.
    public let phones: [String]

    /// Debian's `pocketsphinx-en-us` dictionary.
    public static let defaultPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

    /// Parses dictionary text. Words are matched lowercase; `word(2)` adds an alternate pronunciation.
    public init(text: String, path: String) throws {
        self.path = path
        var entries: [String: [[String]]] = [:]
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let head = fields.first else { continue }
            if head.hasPrefix("#") || head.hasPrefix(";;") { continue }
            guard fields.count > 1 else {
                throw SpeechError.malformedDictionary(path: path, line: lineNumber, text: String(line))
            }
            var word = head.lowercased()
            if word.hasSuffix(")"), let open = word.lastIndex(of: "("), open != word.startIndex {
                word = String(word[..<open])
            }
            // Some entries carry a trailing comment after '#'.
            let phones = fields.dropFirst().prefix(while: { !$0.hasPrefix("#") }).map { $0.uppercased() }
            guard !phones.isEmpty else {
                throw SpeechError.malformedDictionary(path: path, line: lineNumber, text: String(line))
            }
            entries[word, default: []].append(phones)
        }
        self.entries = entries
        var phoneSet = Set<String>()
        for prons in entries.values { for p in prons { phoneSet.formUnion(p) } }
        self.phones = phoneSet.sorted()
    }

    /// Loads a dictionary file.
    public static func load(path: String = Lexicon.defaultPath) throws -> Lexicon {
        guard let text = FileText.read(path) else { throw SpeechError.missingDictionary(path: path) }
        return try Lexicon(text: text, path: path)
    }

    /// Number of distinct words.
    public var count: Int { entries.count }

    /// Whether the dictionary knows `word` (case-insensitive).
    public func contains(_ word: String) -> Bool { entries[word.lowercased()] != nil }

    /// Pronunciations of `word`, or an empty array.
    public func pronunciations(of word: String) -> [[String]] { entries[word.lowercased()] ?? [] }

    /// The words of `keywords` (each a word or a space-separated phrase) the dictionary lacks, in order,
    /// without duplicates. Empty when every word is known.
    public func missingWords(in keywords: [String]) -> [String] {
        var missing: [String] = []
        for phrase in keywords {
            for word in phrase.lowercased().split(separator: " ").map(String.init)
            where entries[word] == nil && !missing.contains(word) {
                missing.append(word)
            }
        }
        return missing
    }
}
