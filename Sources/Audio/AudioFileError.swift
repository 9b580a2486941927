/// Errors reading or writing audio files and finding prompts, naming the file and the reason.
public enum AudioFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened (missing, unreadable, or libsndfile could not create it).
    case cannotOpen(path: String, reason: String)
    /// The file is not in a format we read (WAV, FLAC, OGG/Vorbis, MP3), or its encoding is unsupported.
    case unsupported(path: String, reason: String)
    /// The format was recognised but the contents are broken (truncated header, bad frames).
    case malformed(path: String, reason: String)
    /// The file holds no audio samples.
    case empty(path: String)
    /// The file is longer than the loader accepts.
    case tooLong(path: String, seconds: Int, limitSeconds: Int)
    /// No file for a prompt id in the prompt folder with any of the extensions tried.
    case promptNotFound(id: String, folder: String, extensions: [String])
    /// A prompt id that is not a plain file name (empty, has a path separator, or starts with a dot).
    case invalidPromptID(id: String)
    /// A recordings directory could not be created, given its permissions, or listed.
    case cannotCreateDirectory(path: String, reason: String)
    /// Fewer samples reached the file than were handed over (disk full, I/O error, file closed).
    case shortWrite(path: String, written: Int, expected: Int, reason: String)
    /// Finishing the file (header update, flush to disk) failed: the recording may be incomplete.
    case cannotFinish(path: String, reason: String)
    /// An old recording could not be deleted.
    case cannotDelete(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open audio file: \(reason)"
        case let .unsupported(path, reason): return "\(path): unsupported audio: \(reason)"
        case let .malformed(path, reason): return "\(path): malformed audio: \(reason)"
        case let .empty(path): return "\(path): audio file has no samples"
        case let .tooLong(path, seconds, limit):
            return "\(path): audio is \(seconds) s long, longer than the \(limit) s limit"
        case let .promptNotFound(id, folder, extensions):
            let names = extensions.map { "\(id).\($0)" }.joined(separator: ", ")
            return "prompt '\(id)' not found in \(folder): none of \(names) exists"
        case let .invalidPromptID(id):
            return "invalid prompt id '\(id)': expected a file name without '/', not starting with '.'"
        case let .cannotCreateDirectory(path, reason): return "\(path): cannot prepare the directory: \(reason)"
        case let .shortWrite(path, written, expected, reason):
            return "\(path): short write: \(written) of \(expected) samples written: \(reason)"
        case let .cannotFinish(path, reason): return "\(path): cannot finish the audio file: \(reason)"
        case let .cannotDelete(path, reason): return "\(path): cannot delete: \(reason)"
        }
    }
}
