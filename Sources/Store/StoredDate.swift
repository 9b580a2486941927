import Foundation
import GRDB
import Wire

/// Dates as GRDB stores them: "yyyy-MM-dd HH:mm:ss.SSS" in UTC, the text every existing row holds, written
/// without GRDB's `DateFormatter` (ICU for every date of every row written: 1.5 % of ivrd's CPU at 250 calls).
enum StoredDate {
    static func databaseValue(_ date: Date) -> DatabaseValue {
        // As Foundation's formatter (CoreFoundation, then ICU) sees a date: milliseconds since 1970, rounded to
        // the nearest (the tests compare both on edges and on random dates).
        let ms = ((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000 + 0.5)
            .rounded(.down)
        // Before 1900 (ICU switches to the Julian calendar in 1582) or not finite: GRDB's own formatter decides.
        guard ms.isFinite, ms >= -2_208_988_800_000, ms < 253_402_300_800_000 else { return date.databaseValue }
        let total = Int64(ms)
        var seconds = total / 1000, milliseconds = total % 1000
        if milliseconds < 0 { seconds -= 1; milliseconds += 1000 }
        guard let text = UTCText.format(seconds: Int(seconds), milliseconds: Int(milliseconds), separator: " ") else {
            return date.databaseValue
        }
        return text.databaseValue
    }
}

/// A record of this store: its dates are encoded by `StoredDate`, the same text GRDB writes.
public protocol StoreRecord: EncodableRecord {}

extension StoreRecord {
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoredDate.databaseValue($0) }
    }
}
