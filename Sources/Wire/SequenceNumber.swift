/// Wrap-around arithmetic for 16-bit sequence numbers (RFC 3550 section A.1, RFC 1982 style).
public enum SequenceNumber {
    /// True when `a` comes before `b`, allowing for wrap-around.
    public static func precedes(_ a: UInt16, _ b: UInt16) -> Bool {
        a != b && b &- a < 0x8000
    }

    /// Signed distance from `a` to `b` in the shorter direction.
    public static func distance(from a: UInt16, to b: UInt16) -> Int {
        Int(Int16(bitPattern: b &- a))
    }
}

/// Extends a stream of 16-bit sequence numbers to a monotonic 64-bit index (roll-over counted).
public struct SequenceUnwrapper: Sendable {
    private var last: Int64?

    public init() {}

    public mutating func unwrap(_ seq: UInt16) -> Int64 {
        guard let last else {
            self.last = Int64(seq)
            return Int64(seq)
        }
        let lastSeq = UInt16(truncatingIfNeeded: last)
        let value = last + Int64(SequenceNumber.distance(from: lastSeq, to: seq))
        if value > last { self.last = value }
        return value
    }
}
