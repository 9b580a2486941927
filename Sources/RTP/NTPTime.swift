import Wire

/// A 64-bit NTP timestamp (RFC 3550 4): seconds since 1900-01-01 in the high 32 bits, fraction in the low.
public struct NTPTime: Equatable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds between the NTP epoch (1900) and the Unix epoch (1970).
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(seconds: UInt32, fraction: UInt32) {
        rawValue = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// From nanoseconds since the Unix epoch (wall clock, supplied by the caller).
    public init(unixNanoseconds: Int64) {
        let ns = UInt64(max(unixNanoseconds, 0))
        let seconds = ns / 1_000_000_000 + Self.unixEpochOffset
        let fraction = ((ns % 1_000_000_000) << 32) / 1_000_000_000
        rawValue = (seconds << 32) &+ fraction
    }

    /// From seconds since the Unix epoch.
    public init(unixSeconds: Double) {
        self.init(unixNanoseconds: Int64((unixSeconds * 1e9).rounded()))
    }

    public var seconds: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// The middle 32 bits, as carried in LSR (RFC 3550 6.4.1).
    public var middle32: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

    /// Nanoseconds since the Unix epoch (rounded down).
    public var unixNanoseconds: Int64 {
        let secs = Int64(seconds) - Int64(Self.unixEpochOffset)
        let frac = Int64((UInt64(fraction) * 1_000_000_000) >> 32)
        return secs * 1_000_000_000 + frac
    }

    public var unixSeconds: Double {
        Double(Int64(seconds) - Int64(Self.unixEpochOffset)) + Double(fraction) / 4_294_967_296.0
    }

    public static func < (lhs: NTPTime, rhs: NTPTime) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "NTP \(seconds).\(fraction)" }
}

/// Converts between a `Duration` and the 1/65536-second units of DLSR (RFC 3550 6.4.1).
public enum NTPShortDuration {
    public static func units(_ duration: Duration) -> UInt32 {
        let ns = max(duration.totalNanoseconds, 0)
        let value = (ns / 1_000_000_000) << 16 + ((ns % 1_000_000_000) << 16) / 1_000_000_000
        return UInt32(clamping: value)
    }

    public static func duration(units: UInt32) -> Duration {
        .nanoseconds((Int64(units) * 1_000_000_000) >> 16)
    }
}
