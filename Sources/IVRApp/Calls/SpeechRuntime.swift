import Flow
import Foundation
import Logging
import Speech

/// Voice menus: the PocketSphinx model and dictionary, and the pool that bounds concurrent
/// recognitions (a saturated pool leaves the menu on DTMF and is counted).
public struct SpeechRuntime: Sendable {
    public let pool: RecognizerPool
    public let lexicon: Lexicon
    public let modelPath: String

    public init(pool: RecognizerPool = RecognizerPool(), lexicon: Lexicon, modelPath: String) {
        self.pool = pool
        self.lexicon = lexicon
        self.modelPath = modelPath
    }

    /// Loads the model and dictionary; nil (with a logged reason) when they are not installed.
    public static func load(modelPath: String?, dictionaryPath: String?, limit: Int? = nil, logger: Logger) -> SpeechRuntime? {
        let model = modelPath ?? RecognizerConfiguration.defaultModelPath
        guard FileManager.default.fileExists(atPath: model) else {
            logger.warning("voice menus disabled: speech model not found", metadata: ["model": "\(model)"])
            return nil
        }
        do {
            let lexicon = try Lexicon.load(path: dictionaryPath ?? Lexicon.defaultPath)
            return SpeechRuntime(pool: RecognizerPool(limit: limit), lexicon: lexicon, modelPath: model)
        } catch {
            logger.warning("voice menus disabled: dictionary unreadable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// A recognition for one listening menu, or nil when the pool is saturated. Every decoded keyword
    /// is reported with its confidence (no threshold here): the menu's confirmation band decides what
    /// to do with it (take it, ask "did you say…?", or count it as no match).
    func start(keywords: [String]) -> RecognitionSession? {
        var configuration = RecognizerConfiguration(words: keywords, modelPath: modelPath)
        configuration.defaultConfidence = 0
        return pool.start(configuration: configuration, lexicon: lexicon)
    }

    /// The dictionary check as a flow-catalog check.
    public var checker: @Sendable (Flow) -> [Diagnostic] {
        let runtime = self
        return { runtime.diagnostics(for: $0) }
    }

    /// Menu keywords the dictionary lacks, each as `file:line: step 'x': …`.
    public func diagnostics(for flow: Flow) -> [Diagnostic] {
        flow.spokenKeywords.flatMap { k -> [Diagnostic] in
            let words = k.word.split(separator: " ").map(String.init)
            return lexicon.missingWords(in: words).map { missing in
                Diagnostic(severity: .error, file: flow.file, line: k.line, step: k.step,
                           message: "keyword '\(missing)' is not in the speech dictionary (\(lexicon.path)); "
                               + "expected a word the recognizer knows, or a DTMF key instead")
            }
        }
    }
}
