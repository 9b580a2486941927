#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UTC time as fixed-width text, "yyyy-MM-dd<sep>HH:mm:ss[.SSS]", without Foundation's formatters (which go
/// through ICU: microseconds per call on the log and store paths).
public enum UTCText {
    /// `seconds` since 1970; `milliseconds` 0...999, written when not nil. Nil when the year is outside 1...9999.
    public static func format(seconds: Int, milliseconds: Int?, separator: Character) -> String? {
        var t = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return nil }
        let year = Int(parts.tm_year) + 1900
        guard (1...9999).contains(year) else { return nil }
        var out = ""
        out.reserveCapacity(23)
        pad(year, 4, &out); out += "-"
        pad(Int(parts.tm_mon) + 1, 2, &out); out += "-"
        pad(Int(parts.tm_mday), 2, &out); out.append(separator)
        pad(Int(parts.tm_hour), 2, &out); out += ":"
        pad(Int(parts.tm_min), 2, &out); out += ":"
        pad(Int(parts.tm_sec), 2, &out)
        if let milliseconds {
            out += "."
            pad(min(max(milliseconds, 0), 999), 3, &out)
        }
        return out
    }

    private static func pad(_ value: Int, _ width: Int, _ out: inout String) {
        let digits = String(value)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }
}
