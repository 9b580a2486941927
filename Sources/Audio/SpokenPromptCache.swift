import Foundation

/// Something that turns text into speech: the engine behind `say:` prompts.
public protocol SpeechRenderer: Sendable {
    /// Names the engine and its version; part of every cache key, so an upgrade re-renders.
    var engineVersion: String { get }
    /// Mono 16-bit samples at `sampleRate`.
    func render(text: String, voice: String, language: String) throws -> (samples: [Int16], sampleRate: Int)
}

/// Text prompts rendered once per (text, voice, language, engine version, encoder settings) and encoded to
/// 20 ms Opus frames, shared by every call like file prompts. Bounded: past `capacity` entries the least
/// recently used one goes (texts filled in per call would otherwise grow it forever). Counts hits and
/// misses. Thread-safe; a render runs outside the table lock, so call it off the media path.
public final class SpokenPromptCache: @unchecked Sendable {
    public struct Key: Hashable, Sendable {
        public var text: String
        public var voice: String
        public var language: String
        public var engineVersion: String
        public var settings: OpusEncoderSettings
    }

    public let renderer: any SpeechRenderer
    public let capacity: Int
    private let lock = NSLock()
    private var entries: [Key: (prompt: EncodedPrompt, used: UInt64)] = [:]
    private var tick: UInt64 = 0
    private var hitCount = 0
    private var missCount = 0
    /// Told of every lookup (true = a hit), outside the lock: the daemon counts them as metrics.
    private let onLookup: (@Sendable (Bool) -> Void)?

    public init(renderer: any SpeechRenderer, capacity: Int = 256, onLookup: (@Sendable (Bool) -> Void)? = nil) {
        self.renderer = renderer
        self.capacity = max(1, capacity)
        self.onLookup = onLookup
    }

    public func key(text: String, voice: String, language: String, settings: OpusEncoderSettings) -> Key {
        Key(text: text, voice: voice, language: language, engineVersion: renderer.engineVersion, settings: settings)
    }

    /// The encoded prompt for this text, rendering and encoding it on a miss.
    public func encoded(text: String, voice: String, language: String, settings: OpusEncoderSettings) throws -> EncodedPrompt {
        let key = key(text: text, voice: voice, language: language, settings: settings)
        if let hit = lookup(key) { return hit }
        let (samples, rate) = try renderer.render(text: text, voice: voice, language: language)
        let resampled = try Resampler.convert(samples.map { Float($0) / 32768 }, from: rate, to: PromptFile.sampleRate)
            .map { sample -> Int16 in
                let v = (sample * 32767).rounded()
                return v.isFinite ? Int16(max(-32768, min(32767, v))) : 0
            }
        let frames = try EncodedPrompt.encode(resampled, settings: settings)
        let duration = Duration.nanoseconds(Int64(samples.count) * 1_000_000_000 / Int64(max(1, rate)))
        let prompt = EncodedPrompt(id: "say:\(voice):\(language):\(text)", path: "", settings: settings, frames: frames,
                                   duration: duration, fileStat: nil)
        store(prompt, key)
        return prompt
    }

    /// Renders ahead of the first call; true when it was already cached.
    @discardableResult
    public func preload(text: String, voice: String, language: String, settings: OpusEncoderSettings) throws -> Bool {
        let before = hits
        _ = try encoded(text: text, voice: voice, language: language, settings: settings)
        return hits > before
    }

    public var hits: Int { lock.withLock { hitCount } }
    public var misses: Int { lock.withLock { missCount } }
    public var count: Int { lock.withLock { entries.count } }

    private func lookup(_ key: Key) -> EncodedPrompt? {
        let found = lock.withLock { () -> EncodedPrompt? in
            tick += 1
            guard let entry = entries[key] else {
                missCount += 1
                return nil
            }
            hitCount += 1
            entries[key] = (entry.prompt, tick)
            return entry.prompt
        }
        onLookup?(found != nil)
        return found
    }

    private func store(_ prompt: EncodedPrompt, _ key: Key) {
        lock.withLock {
            tick += 1
            if entries[key] == nil, entries.count >= capacity,
               let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
                entries[oldest] = nil
            }
            entries[key] = (prompt, tick)
        }
    }
}
