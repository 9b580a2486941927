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
        }
    }
}
