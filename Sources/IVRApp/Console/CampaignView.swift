import Foundation

/// A campaign as `/v1/campaigns` shows it (and `ivrd campaign status` reads it).
public struct CampaignView: Codable, Equatable, Sendable {
    public var id: String
    public var name: String?
    public var flow: String
    public var phoneNumberID: String?
    public var state: String
    public var rate: String
    public var window: String?
    public var tz: String
    public var maxAttempts: Int
    public var retryAfter: Int
    public var createdAt: String?
    public var total: Int
    /// Rows done, failed or cancelled.
    public var finished: Int
    public var byState: [String: Int]
    public var byResult: [String: Int]

    enum CodingKeys: String, CodingKey {
        case id, name, flow, phoneNumberID = "phone_number_id", state, rate, window, tz
        case maxAttempts = "max_attempts", retryAfter = "retry_after", createdAt = "created_at", total, finished
        case byState = "by_state", byResult = "by_result"
    }

    /// One line (a bar on a terminal, plain text otherwise), and with `detailed` the counts by state and outcome.
    public func render(terminal: Bool, detailed: Bool) -> String {
        let percent = total > 0 ? finished * 100 / total : 100
        let head = "\(id)  \(name.map { "\($0)  " } ?? "")flow \(flow)  \(state)  \(rate)"
            + (window.map { "  window \($0) \(tz)" } ?? "")
        var progress = "\(finished)/\(total) finished (\(percent)%)"
        if terminal {
            let width = 30, filled = total > 0 ? finished * width / total : width
            progress = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
                + progress
        }
        var lines = [head, "  " + progress]
        if detailed {
            lines.append("  by state:   " + Self.counts(byState))
            lines.append("  by outcome: " + (byResult.isEmpty ? "-" : Self.counts(byResult)))
        }
        return lines.joined(separator: "\n")
    }

    static func counts(_ c: [String: Int]) -> String {
        c.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
