import Dispatch
import Wire

/// One listening menu's recognition, running on its own serial queue. Feed 16 kHz frames while the
/// caller speaks (VAD-gated), `endUtterance()` when speech ends, read `events`, and `close()` when
/// the menu stops listening (closing twice is harmless; `deinit` closes too).
public final class RecognitionSession: Sendable {
    /// Keyword matches and failures, in order. Finishes after `close()`.
    public let events: AsyncStream<RecognitionEvent>
    private let continuation: AsyncStream<RecognitionEvent>.Continuation
    private let queue: DispatchQueue
    private let worker: Worker
    private let pool: RecognizerPool
    private let state = Locked(State())

    private struct State {
        var backlog = 0
        var closed = false
    }

    init(pool: RecognizerPool, configuration: RecognizerConfiguration, lexicon: Lexicon) {
        (events, continuation) = AsyncStream.makeStream(of: RecognitionEvent.self, bufferingPolicy: .bufferingNewest(16))
        queue = DispatchQueue(label: "ivr.speech.recognizer")
        worker = Worker()
        self.pool = pool
        let worker = self.worker, continuation = self.continuation
        queue.async {
            do {
                worker.recognizer = try KeywordRecognizer(configuration: configuration, lexicon: lexicon)
            } catch {
                continuation.yield(.failed(error as? SpeechError ?? .decoder(operation: "init", code: -1)))
            }
        }
    }

    deinit { close() }

    /// Enqueues one frame; never blocks. Returns false (and counts a dropped frame) when the
    /// backlog is full or the session is closed.
    @discardableResult
    public func feed(_ pcm: [Int16]) -> Bool {
        let accepted = state.withLock { s -> Bool in
            guard !s.closed, s.backlog < pool.maxBacklogFrames else { return false }
            s.backlog += 1
            return true
        }
        guard accepted else {
            pool.dropped()
            return false
        }
        let worker = self.worker, continuation = self.continuation, state = self.state
        queue.async {
            state.withLock { $0.backlog -= 1 }
            worker.run(continuation) { try $0.process(pcm) }
        }
        return true
    }

    /// Ends the current utterance (the VAD saw speech stop).
    public func endUtterance() {
        guard !state.withLock({ $0.closed }) else { return }
        let worker = self.worker, continuation = self.continuation
        queue.async { worker.run(continuation) { try $0.endUtterance() } }
    }

    /// Stops listening: pending frames are discarded, the recognizer is freed on its queue and the
    /// pool slot is released.
    public func close() {
        let first = state.withLock { s -> Bool in
            defer { s.closed = true }
            return !s.closed
        }
        guard first else { return }
        let worker = self.worker, continuation = self.continuation, pool = self.pool
        queue.async {
            worker.recognizer = nil
            // The slot is free before the stream ends: whoever waits for the end sees it released.
            pool.release()
            continuation.finish()
        }
    }

    /// Holds the recognizer; touched only on the session's serial queue.
    private final class Worker: @unchecked Sendable {
        var recognizer: KeywordRecognizer?
        var failed = false

        func run(_ out: AsyncStream<RecognitionEvent>.Continuation, _ body: (KeywordRecognizer) throws -> KeywordMatch?) {
            guard let recognizer, !failed else { return }
            do {
                if let match = try body(recognizer) { out.yield(.keyword(match)) }
            } catch {
                failed = true
                out.yield(.failed(error as? SpeechError ?? .decoder(operation: "process", code: -1)))
            }
        }
    }
}
