/// Errors raised while reading or writing wire formats.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// Fewer bytes remained than the field needs.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// A value does not fit the field it is written to.
    case valueOutOfRange(field: String, value: Int, max: Int)

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "truncated \(field) at offset \(offset): needed \(needed) bytes, \(available) available"
        case let .valueOutOfRange(field, value, max):
            return "\(field) value \(value) out of range (max \(max))"
        }
    }
}
