import Foundation

/// Prompts encoded once per (prompt id, encoder settings) and shared by all calls.
///
/// A prompt id names a file `<folder>/<id>.<ext>`, the extensions tried in the order of
/// `PromptLoader.extensions` (wav, flac, ogg, mp3). Every lookup checks the file's identity
/// (device, inode, size, modification time) and re-encodes it when it has changed;
/// `invalidate` drops entries explicitly. Thread-safe: a lock guards the table, and a per-entry
/// lock makes concurrent first lookups of one prompt wait for a single encoding.
///
/// Encoder settings come from the remote's Opus fmtp through `OpusEncoderSettings(fmtp:)`:
/// `maxaveragebitrate` caps the 24 kbit/s default, `maxplaybackrate` caps the audio bandwidth
/// (48000 by default; WhatsApp sends 16000 → wideband), `useinbandfec=0` turns off the in-band
/// FEC that is on by default. The encoder is Opus's VOIP application, 20 ms frames.
public final class PromptCache: @unchecked Sendable {
    public let folder: String
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var silenceFrames: [OpusEncoderSettings: [UInt8]] = [:]
    private var encodes = 0
    private var reads = 0

    private struct Key: Hashable {
        var id: String
        var settings: OpusEncoderSettings
    }

    /// One slot per key; its own lock serialises the (rare) encodings of that key.
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var prompt: EncodedPrompt?
        /// The error from the last attempt, kept until the file changes (so a broken file is
        /// not read again on every call).
        var failure: (path: String, stat: FileStat, error: any Error)?
    }

    public init(folder: String) {
        self.folder = folder
    }

    /// The prompt's 20 ms Opus frames for these settings, encoding the file on first use or after it changed.
    /// With a `language`, `<folder>/<language>/<id>.*` comes first, then `<folder>/<id>.*`.
    public func frames(prompt id: String, language: String? = nil, settings: OpusEncoderSettings) throws -> [[UInt8]] {
        try encoded(prompt: id, language: language, settings: settings).frames
    }

    /// The shared encoded prompt (the same object for every lookup until the file changes).
    public func encoded(prompt id: String, language: String? = nil, settings: OpusEncoderSettings) throws -> EncodedPrompt {
        var resolved: (key: String, path: String, stat: FileStat)?
        if let language {
            guard !language.isEmpty, !language.contains("/"), !language.contains("\0"), !language.hasPrefix(".") else {
                throw AudioFileError.invalidPromptID(id: "\(language)/\(id)")
            }
            if let (path, stat) = try? resolve(id, in: "\(folder)/\(language)") { resolved = ("\(language)/\(id)", path, stat) }
        }
        if resolved == nil {
            let (path, stat) = try resolve(id)
            resolved = (id, path, stat)
        }
        guard let (key, path, stat) = resolved else { throw AudioFileError.promptNotFound(id: id, folder: folder, extensions: PromptLoader.extensions) }
        let entry = slot(for: Key(id: key, settings: settings))
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let prompt = entry.prompt, prompt.fileStat == stat, prompt.path == path { return prompt }
        if let failure = entry.failure, failure.stat == stat, failure.path == path { throw failure.error }
        lock.lock()
        reads += 1
        lock.unlock()
        do {
            let file = try PromptLoader.load(path: path)
            let frames = try EncodedPrompt.encode(file.samples, settings: settings)
            let prompt = EncodedPrompt(id: key, path: path, settings: settings, frames: frames,
                                       duration: file.duration, fileStat: stat)
            entry.prompt = prompt
            entry.failure = nil
            lock.lock()
            encodes += 1
            lock.unlock()
            return prompt
        } catch {
            entry.prompt = nil
            entry.failure = (path, stat, error)
            throw error
        }
    }

    /// Encodes prompts ahead of the first call (at start-up or after a flow reload).
    public func preload(prompts ids: [String], settings: OpusEncoderSettings) throws {
        for id in ids { _ = try encoded(prompt: id, settings: settings) }
    }

    /// One encoded 20 ms frame of silence for these settings, to keep media flowing between prompts.
    public func silence(settings: OpusEncoderSettings) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if let frame = silenceFrames[settings] { return frame }
        let frame = try OpusEncoder(settings: settings).encode([Int16](repeating: 0, count: OpusEncoder.frameSamples))
        silenceFrames[settings] = frame
        return frame
    }

    /// Drops every encoding of one prompt; the next lookup reads the file again.
    public func invalidate(prompt id: String) {
        lock.lock()
        defer { lock.unlock() }
        entries = entries.filter { $0.key.id != id && !$0.key.id.hasSuffix("/\(id)") }
    }

    /// Drops every encoding.
    public func invalidateAll() {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll()
    }

    /// How many times a prompt file has been read and encoded (for tests and metrics).
    public var encodeCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return encodes
    }

    /// How many times a prompt file has been read, successfully or not.
    var readCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return reads
    }

    /// Prompt ids with a readable extension in the folder, sorted.
    public func availablePrompts() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var ids = Set<String>()
        for name in names {
            let url = URL(fileURLWithPath: name)
            if PromptLoader.extensions.contains(url.pathExtension.lowercased()) {
                ids.insert(url.deletingPathExtension().lastPathComponent)
            }
        }
        return ids.sorted()
    }

    /// The file for a prompt id: the first existing `<folder>/<id>.<ext>`.
    func resolve(_ id: String, in folder: String? = nil) throws -> (String, FileStat) {
        let folder = folder ?? self.folder
        guard !id.isEmpty, !id.contains("/"), !id.contains("\0"), !id.hasPrefix(".") else {
            throw AudioFileError.invalidPromptID(id: id)
        }
        for ext in PromptLoader.extensions {
            let path = folder.hasSuffix("/") ? "\(folder)\(id).\(ext)" : "\(folder)/\(id).\(ext)"
            if let stat = FileStat(path: path) { return (path, stat) }
        }
        throw AudioFileError.promptNotFound(id: id, folder: folder, extensions: PromptLoader.extensions)
    }

    private func slot(for key: Key) -> Entry {
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[key] { return entry }
        let entry = Entry()
        entries[key] = entry
        return entry
    }
}
