import Foundation

/// Parses flow durations: `5s`, `1500ms`, `2m`, `0.5s`. A bare number is not accepted (units are required).
enum FlowDuration {
    static func parse(_ text: String) throws(FlowError) -> Duration {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 1e-3), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            let number = String(t.dropLast(suffix.count))
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
                  let value = Double(number), value >= 0, value * scale <= 86_400 else {
                throw .duration(text: text)
            }
            return .nanoseconds(Int64((value * scale * 1e9).rounded()))
        }
        throw .duration(text: text)
    }

    /// `5s`, `1.5s`, `250ms` for messages and transcripts.
    static func format(_ d: Duration) -> String {
        let ns = d.totalNanoseconds
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0, ns < 1_000_000_000 { return "\(ns / 1_000_000)ms" }
        return "\(FlowValue.format(Double(ns) / 1e9))s"
    }
}
