import Dispatch
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a listening menu hears back from its recognition session.
public enum RecognitionEvent: Sendable, Equatable {
    /// A keyword above its threshold: the flow engine's `keyword(word, confidence)` input.
    case keyword(KeywordMatch)
    /// The recognizer could not be built or failed; the menu should continue on DTMF only.
    case failed(SpeechError)
}

/// Counters for metrics (`ivr_speech_*`).
public struct RecognizerPoolMetrics: Sendable, Equatable {
    /// Sessions running now.
    public var active = 0
    /// Sessions started since launch.
    public var started = 0
    /// Session requests refused because `limit` sessions were running (the menu fell back to DTMF).
    public var saturated = 0
    /// Audio frames dropped because a session's backlog was full (its worker fell behind).
    public var droppedFrames = 0
}

/// Bounded concurrency for keyword recognition. At most `limit` sessions run at once, each on its own
/// serial dispatch queue (never the caller's task, never an event loop). `feed` only enqueues, so
/// the media path is never delayed: a session whose backlog exceeds `maxBacklogFrames` drops frames
/// and counts them. A request beyond `limit` returns nil and counts `saturated`.
public final class RecognizerPool: Sendable {
    public let limit: Int
    public let maxBacklogFrames: Int
    private let counters = Locked(RecognizerPoolMetrics())

    /// `limit` defaults to the number of active cores.
    public init(limit: Int? = nil, maxBacklogFrames: Int = 150) {
        self.limit = max(1, limit ?? Self.activeCores())
        self.maxBacklogFrames = max(1, maxBacklogFrames)
    }

    public var metrics: RecognizerPoolMetrics { counters.withLock { $0 } }

    /// Starts a session for one listening menu, or returns nil (and counts `saturated`) when `limit`
    /// sessions are running. The recognizer (model load included) is built on the session's queue;
    /// a failure arrives as `.failed`.
    public func start(configuration: RecognizerConfiguration, lexicon: Lexicon) -> RecognitionSession? {
        let admitted = counters.withLock { m -> Bool in
            guard m.active < limit else {
                m.saturated += 1
                return false
            }
            m.active += 1
            m.started += 1
            return true
        }
        guard admitted else { return nil }
        return RecognitionSession(pool: self, configuration: configuration, lexicon: lexicon)
    }

    func release() { counters.withLock { $0.active -= 1 } }
    func dropped() { counters.withLock { $0.droppedFrames += 1 } }

    private static func activeCores() -> Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
