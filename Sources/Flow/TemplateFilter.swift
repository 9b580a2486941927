import Foundation

/// A filter in a template hole (`{{vars.code | digits}}`): formats a value for speech in the call's language.
/// Filters only exist in templates (`say:`, `set:`, http texts); conditions compare raw values.
enum TemplateFilter: String, Sendable, Equatable, CaseIterable {
    /// Each digit spoken on its own, in the language: "4 2 7" → "four, two, seven" / "cuatro, dos, siete".
    case digits
    /// The number in words, in the language: 1234 → "one thousand two hundred thirty-four".
    case number
    /// An ISO 8601 date (`2026-12-24`, or a date and time) as the language says it: "Thursday, December 24, 2026".
    case date
    /// The time of an ISO 8601 date and time, in its own UTC offset, as the language says it: "6:00 PM" / "18:00".
    case time

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The value formatted for `language` (a flow language tag such as `en-us` or `es`; nil = US English).
    /// A value the filter cannot read (a date filter on "soon") is printed as it is.
    func apply(_ value: FlowValue, language: String?) -> FlowValue {
        let locale = Self.locale(for: language)
        switch self {
        case .digits:
            return .string(Self.digits(value.description, locale: locale))
        case .number:
            guard let n = value.numeric, n.isFinite else { return value }
            return .string(Self.spell(n, locale: locale) ?? value.description)
        case .date, .time:
            guard let (date, zone) = Self.parseDate(value.description) else { return value }
            let formatter = DateFormatter()
            formatter.locale = locale
            formatter.timeZone = zone
            formatter.setLocalizedDateFormatFromTemplate(self == .date ? "EEEEdMMMMy" : "jmm")
            return .string(formatter.string(from: date))
        }
    }

    /// `en-us` → `en_US`, `pt-BR` → `pt_BR`, `es` → `es`.
    static func locale(for language: String?) -> Locale {
        guard let language, !language.isEmpty else { return Locale(identifier: "en_US") }
        let parts = language.split(separator: "-").map(String.init)
        guard let first = parts.first else { return Locale(identifier: "en_US") }
        let rest = parts.dropFirst().map { $0.count == 2 ? $0.uppercased() : $0 }
        return Locale(identifier: ([first.lowercased()] + rest).joined(separator: "_"))
    }

    static func spell(_ n: Double, locale: Locale) -> String? {
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.numberStyle = .spellOut
        return formatter.string(from: NSNumber(value: n))
    }

    /// Digits spelled one by one (commas give the voice a pause); letters are kept, everything else dropped.
    static func digits(_ text: String, locale: Locale) -> String {
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.numberStyle = .spellOut
        var words: [String] = []
        for c in text {
            if let d = c.wholeNumberValue, c.isASCII {
                words.append(formatter.string(from: NSNumber(value: d)) ?? String(c))
            } else if c.isLetter {
                words.append(String(c).uppercased())
            }
        }
        return words.joined(separator: ", ")
    }

    /// An ISO 8601 date (`2026-12-24`, read in UTC) or date and time with an optional offset (`Z`, `+01:00`;
    /// none = UTC); returns the moment and the zone its wall-clock reading is in.
    static func parseDate(_ text: String) -> (Date, TimeZone)? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let utc = TimeZone(secondsFromGMT: 0) else { return nil }
        var zone = utc
        if let match = text.wholeMatch(of: /.*T.*([+-])(\d\d):?(\d\d)/), let h = Int(match.2), let m = Int(match.3),
           h <= 18, m < 60, let z = TimeZone(secondsFromGMT: (match.1 == "-" ? -1 : 1) * (h * 3600 + m * 60)) {
            zone = z
        }
        let formats = ["yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX",
                       "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"]
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = utc
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return (date, zone) }
        }
        return nil
    }
}
