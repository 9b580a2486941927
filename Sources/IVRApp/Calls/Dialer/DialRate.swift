import Foundation

/// How fast calls are placed: `2/s`, `30/m`, `600/h`.
public struct DialRate: Sendable, Equatable, CustomStringConvertible {
    public let count: Int
    /// The period in seconds (1, 60 or 3600).
    public let period: Int

    public init(count: Int, period: Int) {
        self.count = max(1, count)
        self.period = max(1, period)
    }

    public init(parsing text: String) throws(DialerConfigError) {
        let p = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard p.count == 2, let n = Int(p[0]), (1...1000).contains(n) else { throw .badRate(text) }
        switch p[1] {
        case "s", "sec": self.init(count: n, period: 1)
        case "m", "min": self.init(count: n, period: 60)
        case "h", "hour": self.init(count: n, period: 3600)
        default: throw .badRate(text)
        }
    }

    public var perSecond: Double { Double(count) / Double(period) }

    public var description: String { "\(count)/" + (period == 1 ? "s" : period == 60 ? "m" : "h") }
}

/// Paces one campaign: one call per `1/rate` seconds, no bursts (a bucket of one token).
public struct TokenBucket: Sendable, Equatable {
    public let rate: DialRate
    var tokens: Double
    var last: Date?

    public init(rate: DialRate) {
        self.rate = rate
        self.tokens = 1
    }

    /// Takes a token when one is there.
    public mutating func take(now: Date) -> Bool {
        refill(now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token is there.
    public mutating func nextToken(now: Date) -> Date {
        refill(now)
        return tokens >= 1 ? now : now.addingTimeInterval((1 - tokens) / rate.perSecond)
    }

    private mutating func refill(_ now: Date) {
        if let last, now > last { tokens = min(1, tokens + now.timeIntervalSince(last) * rate.perSecond) }
        if last.map({ now > $0 }) ?? true { last = now }
    }
}

/// Durations in settings: whole seconds, or with a unit (`90s`, `30m`, `2h`).
public enum DialerDuration {
    public static func seconds(_ text: String) throws(DialerConfigError) -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        let unit: Int
        var digits = Substring(t)
        switch t.last {
        case "s": unit = 1; digits = digits.dropLast()
        case "m": unit = 60; digits = digits.dropLast()
        case "h": unit = 3600; digits = digits.dropLast()
        default: unit = 1
        }
        guard digits.count <= 7, let n = Int(digits), n >= 0 else { throw .badDuration(text) }
        return n * unit
    }
}
