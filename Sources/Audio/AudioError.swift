/// Errors from the codec and resampler layer.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    case opus(operation: String, code: Int32, message: String)
    case invalidFrame(expectedSamples: Int, actualSamples: Int)
    /// libsoxr refused a rate pair or failed while resampling.
    case resampler(operation: String, inputRate: Int, outputRate: Int, message: String)
    /// The caller's audio can be decoded at 48,000 or 16,000 Hz only.
    case unsupportedSampleRate(Int)

    public var description: String {
        switch self {
        case let .opus(operation, code, message): return "opus \(operation) failed (\(code)): \(message)"
        case let .invalidFrame(expected, actual): return "PCM frame has \(actual) samples, expected \(expected)"
        case let .resampler(operation, inputRate, outputRate, message):
            return "resampler \(operation) \(inputRate) Hz -> \(outputRate) Hz failed: \(message)"
        case let .unsupportedSampleRate(rate):
            return "cannot decode the caller's audio at \(rate) Hz; expected 48000 or 16000"
        }
    }
}
