import Foundation
import Store

/// A campaign as asked for (`POST /v1/campaigns`, `ivrd campaign start`), checked into its record and
/// its rows. Every problem is named precisely: the row and number, the unknown flow, the bad window.
public struct CampaignRequest: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var to: String
        public var vars: [String: String]

        public init(to: String, vars: [String: String] = [:]) {
            self.to = to
            self.vars = vars
        }
    }

    public var name: String?
    public var flow: String
    public var phoneNumberID: String?
    public var rows: [Row]
    public var rate: String?
    public var window: String?
    public var timeZone: String?
    public var maxAttempts: Int?
    public var retryAfter: String?

    public static let maxRows = 100_000

    public init(name: String? = nil, flow: String, phoneNumberID: String? = nil, rows: [Row], rate: String? = nil,
                window: String? = nil, timeZone: String? = nil, maxAttempts: Int? = nil, retryAfter: String? = nil) {
        self.name = name
        self.flow = flow
        self.phoneNumberID = phoneNumberID
        self.rows = rows
        self.rate = rate
        self.window = window
        self.timeZone = timeZone
        self.maxAttempts = maxAttempts
        self.retryAfter = retryAfter
    }

    /// The campaign and its rows (all `pending`, due `now`, in the window's hours); `knownFlow` says
    /// whether a flow name exists.
    public func build(now: Date, knownFlow: (String) -> Bool) throws(CampaignRequestError)
        -> (CampaignRecord, [ScheduledCallRecord]) {
        guard knownFlow(flow) else { throw .unknownFlow(flow) }
        guard !rows.isEmpty else { throw .noRows }
        guard rows.count <= Self.maxRows else { throw .tooManyRows(rows.count) }
        let rate: DialRate
        do throws(DialerConfigError) {
            rate = try DialRate(parsing: self.rate ?? "1/s")
            if let window { _ = try CallingWindow(parsing: window, timeZone: timeZone) }
            if let tz = timeZone, TimeZone(identifier: tz) == nil { throw DialerConfigError.badTimeZone(tz) }
        } catch {
            throw .setting(error)
        }
        let attempts = maxAttempts ?? 1
        guard (1...10).contains(attempts) else { throw .maxAttempts(attempts) }
        var retry = 3600
        if let text = retryAfter {
            do { retry = try DialerDuration.seconds(text) } catch { throw .setting(error) }
            guard (1...7 * 86_400).contains(retry) else { throw .retryAfter(text) }
        }
        let campaign = CampaignRecord(name: name, flow: flow, phoneNumberID: phoneNumberID, rate: rate.description,
                                      window: window.map { $0.trimmingCharacters(in: .whitespaces) },
                                      timeZone: timeZone ?? "UTC", maxAttempts: attempts, retryAfter: retry, createdAt: now)
        var seen: [String: Int] = [:]
        var records: [ScheduledCallRecord] = []
        records.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            let n = i + 1
            let to: String
            do { to = try OutboundCallRequest.normalized(number: row.to) } catch { throw .badNumber(row: n, row.to) }
            if let first = seen[to] { throw .duplicate(row: n, first: first, to: row.to) }
            seen[to] = n
            let vars = (try? JSONEncoder().encode(row.vars)).map { String(decoding: $0, as: UTF8.self) }
            records.append(ScheduledCallRecord(phoneNumberID: phoneNumberID, recipient: to, flow: flow, variablesJSON: vars,
                                               origin: .campaign, campaignID: campaign.id, campaignRow: n, notBefore: now,
                                               createdAt: now))
        }
        return (campaign, records)
    }
}

/// Why a campaign was not made (a 400 answer).
public enum CampaignRequestError: Error, Equatable, CustomStringConvertible {
    case unknownFlow(String)
    case noRows
    case tooManyRows(Int)
    case setting(DialerConfigError)
    case maxAttempts(Int)
    case retryAfter(String)
    case badNumber(row: Int, String)
    case duplicate(row: Int, first: Int, to: String)
    case csv(line: Int, String)
    /// A query-string setting of a CSV upload that is missing or unreadable.
    case query(String)

    public var description: String {
        switch self {
        case let .unknownFlow(f): return "no flow named '\(f)'"
        case .noRows: return "the campaign has no rows"
        case let .tooManyRows(n): return "\(n) rows; at most \(CampaignRequest.maxRows) in one campaign"
        case let .setting(e): return e.description
        case let .maxAttempts(n): return "max_attempts must be 1-10, got \(n)"
        case let .retryAfter(t): return "retry_after must be 1 second to 7 days, got '\(t)'"
        case let .badNumber(row, to):
            return "row \(row): 'to' must be a phone number in international format (6-20 digits), got '\(to)'"
        case let .duplicate(row, first, to): return "row \(row): \(to) is already on row \(first)"
        case let .csv(line, why): return "CSV line \(line): \(why)"
        case let .query(why): return why
        }
    }
}
