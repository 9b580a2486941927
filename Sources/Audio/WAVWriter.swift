import CSndFile
#if canImport(Glibc)
import Glibc
#endif

/// Writes 16-bit PCM WAV files through libsndfile (voicemail recordings, decoded test audio).
///
/// The file is created by the writer itself with mode `permissions` (0640 by default: the daemon's user
/// reads and writes, its group reads, nobody else) set exactly, whatever the umask or an earlier file's mode,
/// and it is never created through a symbolic link. `write` throws when fewer samples reach the file than
/// were given; `close` writes the header, flushes to disk and reports failure. Not thread-safe: one owner.
public final class WAVWriter {
    /// rw-r-----: recordings are personal data.
    public static let defaultPermissions: mode_t = 0o640

    public let path: String
    public let channels: Int
    /// Whole frames libsndfile accepted (a short write counts only what it reports written).
    public private(set) var framesWritten = 0
    private var file: OpaquePointer?
    private let descriptor: Int32

    public init(path: String, sampleRate: Int32 = 48_000, channels: Int32 = 1,
                permissions: mode_t = WAVWriter.defaultPermissions) throws(AudioFileError) {
        guard channels >= 1 else { throw .cannotOpen(path: path, reason: "channels must be at least 1, got \(channels)") }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: Self.errnoText()) }
        // O_CREAT applies the umask, and leaves an existing file's mode alone: set the mode we promise
        // (on regular files: a device or pipe given as the path keeps its own).
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.errnoText()
            Glibc.close(fd)
            throw .cannotOpen(path: path, reason: reason)
        }
        guard info.st_mode & S_IFMT != S_IFREG || fchmod(fd, permissions) == 0 else {
            let reason = "cannot set mode \(String(permissions, radix: 8)): " + Self.errnoText()
            Glibc.close(fd)
            throw .cannotOpen(path: path, reason: reason)
        }
        var format = SF_INFO()
        format.samplerate = sampleRate
        format.channels = channels
        format.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        switch SndFileOpen.open(descriptor: fd, mode: Int32(SFM_WRITE), info: &format) {
        case let .success(f): file = f
        case let .failure(failure):
            Glibc.close(fd)
            throw .cannotOpen(path: path, reason: failure.message)
        }
        self.descriptor = fd
        self.path = path
        self.channels = Int(channels)
    }

    /// Appends interleaved samples (a whole number of frames). Throws `.shortWrite` with libsndfile's reason
    /// when not all of them were written (disk full, I/O error) or the file is already closed.
    public func write(_ samples: [Int16]) throws(AudioFileError) {
        guard !samples.isEmpty else { return }
        guard let file else {
            throw .shortWrite(path: path, written: 0, expected: samples.count, reason: "the file is already closed")
        }
        guard samples.count % channels == 0 else {
            throw .shortWrite(path: path, written: 0, expected: samples.count,
                              reason: "\(samples.count) samples is not a whole number of \(channels)-channel frames")
        }
        let written = Int(sf_write_short(file, samples, sf_count_t(samples.count)))
        if written > 0 { framesWritten += written / channels }
        guard written == samples.count else {
            throw .shortWrite(path: path, written: max(0, written), expected: samples.count,
                              reason: String(cString: sf_strerror(file)))
        }
    }

    /// Writes the final header, flushes the file to disk and closes it. Safe to call twice (the second call
    /// does nothing); the writer also closes on deinit, silently.
    public func close() throws(AudioFileError) {
        guard let f = file else { return }
        file = nil
        let closed = sf_close(f)
        let synced = fsync(descriptor) == 0 ? nil : Self.errnoText()
        Glibc.close(descriptor)
        guard closed == 0 else { throw .cannotFinish(path: path, reason: String(cString: sf_error_number(closed))) }
        if let synced { throw .cannotFinish(path: path, reason: "fsync: \(synced)") }
    }

    deinit {
        if let file {
            sf_close(file)
            Glibc.close(descriptor)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
