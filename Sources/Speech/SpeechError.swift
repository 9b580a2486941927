/// Errors of the Speech module. Messages say what failed, where, and what was expected.
public enum SpeechError: Error, Equatable, CustomStringConvertible {
    /// The acoustic model directory does not exist or lacks a required file (`mdef`, `means`, ...).
    case missingModel(path: String, file: String)
    /// The pronunciation dictionary file cannot be read.
    case missingDictionary(path: String)
    /// A dictionary line has no pronunciation (`word PH PH ...` expected).
    case malformedDictionary(path: String, line: Int, text: String)
    /// Keywords of a menu that the dictionary does not know.
    case wordsNotInDictionary(words: [String], dictionary: String)
    /// A keyword is empty or has characters other than lowercase letters, apostrophes and single spaces.
    case invalidKeyword(keyword: String)
    /// A keyword list is empty.
    case noKeywords
    /// A threshold outside its range (kws: 1e-80...1; grammar: 0...1).
    case invalidThreshold(keyword: String, threshold: Double, expected: String)
    /// PocketSphinx refused an operation; `operation` names the C call.
    case decoder(operation: String, code: Int32)

    public var description: String {
        switch self {
        case let .missingModel(path, file):
            return "acoustic model \(path): missing \(file); expected a PocketSphinx model directory (e.g. /usr/share/pocketsphinx/model/en-us/en-us from pocketsphinx-en-us)"
        case let .missingDictionary(path):
            return "dictionary \(path): cannot be read; expected a CMU-format pronunciation dictionary (e.g. /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict)"
        case let .malformedDictionary(path, line, text):
            return "dictionary \(path) line \(line): \"\(text)\" has no pronunciation; expected \"word PHONE PHONE ...\""
        case let .wordsNotInDictionary(words, dictionary):
            return "keywords not in dictionary \(dictionary): \(words.joined(separator: ", "))"
        case let .invalidKeyword(keyword):
            return "keyword \"\(keyword)\": expected lowercase words (a-z and ') separated by single spaces"
        case .noKeywords:
            return "keyword list is empty; expected at least one keyword"
        case let .invalidThreshold(keyword, threshold, expected):
            return "keyword \"\(keyword)\": threshold \(threshold) out of range; expected \(expected)"
        case let .decoder(operation, code):
            return "pocketsphinx \(operation) failed with code \(code)"
        }
    }
}
