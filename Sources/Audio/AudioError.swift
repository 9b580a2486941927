/// Errors from the codec and audio-file layer.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    case opus(operation: String, code: Int32, message: String)
    case invalidFrame(expectedSamples: Int, actualSamples: Int)

    public var description: String {
        switch self {
        case let .opus(operation, code, message): return "opus \(operation) failed (\(code)): \(message)"
        case let .invalidFrame(expected, actual): return "PCM frame has \(actual) samples, expected \(expected)"
        }
    }
}
