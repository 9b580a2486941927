import CSndFile

/// Reads prompt files (WAV, FLAC, OGG/Vorbis, MP3, any rate and channel count) through libsndfile,
/// downmixes them to mono and resamples them to 48 kHz with libsoxr.
public enum PromptLoader {
    /// Extensions a prompt may have, in the order `PromptCache` looks for them.
    public static let extensions = ["wav", "flac", "ogg", "mp3"]
    /// Longest prompt accepted, in seconds (ten minutes: a guard against loading a huge file).
    public static let defaultMaxSeconds = 600

    /// Loads `path` as 48 kHz mono Int16 PCM.
    public static func load(path: String, maxSeconds: Int = defaultMaxSeconds) throws -> PromptFile {
        guard let stat = FileStat(path: path) else {
            throw AudioFileError.cannotOpen(path: path, reason: "no such file")
        }
        guard stat.isRegularFile else {
            throw AudioFileError.cannotOpen(path: path, reason: "not a regular file")
        }
        var info = SF_INFO()
        let file: OpaquePointer
        switch SndFileOpen.open(path, mode: Int32(SFM_READ), info: &info) {
        case let .success(opened): file = opened
        case let .failure(failure): throw openError(path: path, failure)
        }
        defer { sf_close(file) }
        let channels = Int(info.channels)
        let rate = Int(info.samplerate)
        guard channels > 0, rate > 0 else {
            throw AudioFileError.unsupported(path: path, reason: "\(channels) channels at \(rate) Hz")
        }
        let mono = try readMono(file: file, path: path, channels: channels, rate: rate, maxSeconds: maxSeconds)
        guard !mono.isEmpty else { throw AudioFileError.empty(path: path) }
        let resampled: [Float]
        do {
            resampled = try Resampler.convert(mono, from: rate, to: PromptFile.sampleRate)
        } catch {
            throw AudioFileError.unsupported(path: path, reason: "cannot resample \(rate) Hz to 48000 Hz: \(error)")
        }
        return PromptFile(path: path, samples: resampled.map(Self.toInt16), sourceSampleRate: rate,
                          sourceChannels: channels)
    }

    private static func openError(path: String, _ failure: SndFileOpenFailure) -> AudioFileError {
        let reason = failure.message
        switch Int(failure.code) {
        case SF_ERR_UNRECOGNISED_FORMAT:
            return .unsupported(path: path, reason: "format not recognised (expected WAV, FLAC, OGG/Vorbis or MP3)")
        case SF_ERR_UNSUPPORTED_ENCODING:
            return .unsupported(path: path, reason: reason)
        case SF_ERR_SYSTEM:
            return .cannotOpen(path: path, reason: reason)
        default:
            // SF_ERR_MALFORMED_FILE and the format-specific parse errors above it.
            return .malformed(path: path, reason: reason)
        }
    }

    /// Reads all frames as normalised floats and averages the channels.
    private static func readMono(file: OpaquePointer, path: String, channels: Int, rate: Int,
                                 maxSeconds: Int) throws -> [Float] {
        let chunkFrames = 4096
        var buffer = [Float](repeating: 0, count: chunkFrames * channels)
        var mono: [Float] = []
        let limit = maxSeconds * rate
        while true {
            let n = buffer.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(file, $0.baseAddress, sf_count_t(chunkFrames)))
            }
            if n <= 0 { break }
            if channels == 1 {
                mono.append(contentsOf: buffer[0..<n])
            } else {
                let scale = 1 / Float(channels)
                for frame in 0..<n {
                    var sum: Float = 0
                    for c in 0..<channels { sum += buffer[frame * channels + c] }
                    mono.append(sum * scale)
                }
            }
            if mono.count > limit {
                throw AudioFileError.tooLong(path: path, seconds: mono.count / rate, limitSeconds: maxSeconds)
            }
        }
        let code = sf_error(file)
        if code != 0 {
            throw AudioFileError.malformed(path: path, reason: String(cString: sf_error_number(code)))
        }
        return mono
    }

    static func toInt16(_ x: Float) -> Int16 {
        let scaled = (x * 32767).rounded()
        if scaled >= 32767 { return 32767 }
        if scaled <= -32768 { return -32768 }
        return Int16(scaled)
    }
}
