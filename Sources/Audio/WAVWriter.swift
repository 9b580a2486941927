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
        switch SndFileOpen.open(path, mode: Int32(SFM_WRITE), info: &info) {
        case let .success(f): file = f
        case let .failure(failure): throw AudioFileError.cannotOpen(path: path, reason: failure.message)
        }
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
