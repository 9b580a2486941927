/// Errors raised by the DTMF module: malformed telephone-event payloads and invalid settings.
public enum DTMFError: Error, Equatable, CustomStringConvertible {
    /// The payload ended before a field was complete.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// Bytes were left over after the last whole 4-byte event block.
    case trailingBytes(offset: Int, count: Int)
    /// A field value does not fit its bit width (serialising or building a sender).
    case valueOutOfRange(field: String, value: Int, max: Int)
    /// A character that is not one of 0-9, *, #, A-D was given where a DTMF digit is expected.
    case notADigit(Character)
    /// A clock rate (telephone-event payload type) that is not positive.
    case invalidClockRate(Int)
    /// PCM at a sample rate the in-band detector does not accept.
    case unsupportedSampleRate(actual: Int, supported: [Int])
    /// A setting that is not positive or otherwise unusable.
    case invalidSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "telephone-event payload truncated in \(field) at offset \(offset): needed \(needed) bytes, \(available) available"
        case let .trailingBytes(offset, count):
            return "telephone-event payload has \(count) trailing bytes at offset \(offset): expected a multiple of 4 bytes"
        case let .valueOutOfRange(field, value, max):
            return "telephone-event \(field) value \(value) out of range (max \(max))"
        case let .notADigit(character):
            return "'\(character)' is not a DTMF digit: expected one of 0-9, *, #, A-D"
        case let .invalidClockRate(rate):
            return "telephone-event clock rate \(rate) Hz is invalid: expected a positive rate such as 8000 or 48000"
        case let .unsupportedSampleRate(actual, supported):
            let list = supported.map(String.init).joined(separator: ", ")
            return "PCM sample rate \(actual) Hz is not supported: expected one of \(list) Hz"
        case let .invalidSetting(name, value, expected):
            return "DTMF setting \(name) = \(value) is invalid: expected \(expected)"
        }
    }
}
