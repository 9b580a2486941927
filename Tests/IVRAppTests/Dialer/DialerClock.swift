import Foundation
@testable import IVRApp

/// A manual clock for the dialer's scenarios: dates built from a zone's local time.
enum DialerClock {
    static let berlin = TimeZone(identifier: "Europe/Berlin") ?? .gmt

    /// The instant of local time `y-m-d h:min:s` in `zone`.
    static func local(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0, _ s: Int = 0, in zone: TimeZone = berlin) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min, second: s)) ?? .distantPast
    }

    static func window(_ text: String, _ zone: String = "Europe/Berlin") -> CallingWindow? {
        try? CallingWindow(parsing: text, timeZone: zone)
    }
}
