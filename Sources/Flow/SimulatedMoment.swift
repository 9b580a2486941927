import Foundation

/// The wall-clock moment a simulated call starts at (`ivrd simulate --at 2026-12-24T18:00+01:00`).
public enum SimulatedMoment {
    static let formats = ["yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX"]

    /// An ISO 8601 date and time with a UTC offset (`Z` or `+01:00`); seconds are optional.
    public static func parse(_ text: String) throws(FlowError) -> Date {
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw .moment(text: text, expected: "a date and time with its UTC offset, such as 2026-12-24T18:00+01:00 or 2026-12-24T17:00Z")
    }

    /// `2026-12-24T17:00:00Z`: how the transcript shows the moment.
    public static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: date)
    }
}
