import CSndFile

/// Writes 16-bit PCM WAV files through libsndfile (recordings, decoded test audio).
public final class WAVWriter {
    private let file: OpaquePointer
    public let path: String
    public private(set) var framesWritten = 0

    public init(path: String, sampleRate: Int32 = 48_000, channels: Int32 = 1) throws {
        var info = SF_INFO()
        info.samplerate = sampleRate
        info.channels = channels
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let f = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioFileError.cannotOpen(path: path, reason: String(cString: sf_strerror(nil)))
        }
        file = f
        self.path = path
    }

    public func write(_ samples: [Int16]) {
        guard !samples.isEmpty else { return }
        framesWritten += Int(sf_write_short(file, samples, sf_count_t(samples.count)))
    }

    /// Flushes and closes the file (also done on deinit).
    public func close() {
        sf_write_sync(file)
    }

    deinit { sf_close(file) }
}

/// Errors reading or writing audio files, naming the file.
public enum AudioFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case unsupported(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open audio file: \(reason)"
        case let .unsupported(path, reason): return "\(path): unsupported audio: \(reason)"
        }
    }
}
