import ArgumentParser
import Foundation
import IVRApp

/// `ivrd campaign start|status|pause|resume|cancel`: campaigns through the running daemon's admin API.
struct Campaign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start and follow outbound call campaigns through the running daemon (admin API).",
        subcommands: [Start.self, Status.self, Change.Pause.self, Change.Resume.self, Change.Cancel.self])

    struct Admin: ParsableArguments {
        @Option(help: "The admin listener's base URL (default http://admin.host:admin.port).")
        var adminURL: String?

        @Option(help: "YAML config file whose admin: section to use (IVR_ADMIN_* variables override it).")
        var config: String?

        func client() throws -> AdminClient { try AdminClient(adminURL: adminURL, config: config) }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a campaign from a CSV list (header: to,<var>,<var>…).",
            discussion: """
                Example: ivrd campaign start list.csv --flow reminder --rate 2/s --window 09:00-18:00 --tz Europe/Berlin
                """)

        @Argument(help: "The CSV file: a header 'to,<var>…', then one user per line.")
        var file: String

        @Option(help: "The flow each call runs.")
        var flow: String

        @Option(help: "Calls per second, minute or hour: 2/s, 30/m, 600/h (default 1/s).")
        var rate: String?

        @Option(help: "The daily calling window, local time HH:MM-HH:MM (default: any time).")
        var window: String?

        @Option(help: "The window's IANA time zone, e.g. Europe/Berlin (default UTC).")
        var tz: String?

        @Option(help: "Calls per user at most: unanswered or declined calls are retried until then (default 1).")
        var maxAttempts: Int?

        @Option(help: "The wait before a retry: seconds, or 90s, 30m, 2h (default 1h).")
        var retryAfter: String?

        @Option(help: "A name for the campaign.")
        var name: String?

        @Option(help: "The business number's phone_number_id to call from.")
        var phoneNumberID: String?

        @OptionGroup var admin: Admin

        func run() async throws {
            let csv: Data
            do {
                csv = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            var query = URLComponents()
            query.queryItems = [("flow", flow), ("rate", rate), ("window", window), ("tz", tz),
                                ("max_attempts", maxAttempts.map(String.init)), ("retry_after", retryAfter),
                                ("name", name), ("phone_number_id", phoneNumberID)]
                .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
            let encoded = (query.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            let data = try await admin.client().send("POST", "/v1/campaigns?" + encoded, body: csv, contentType: "text/csv")
            print(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a campaign's progress (counts by state and outcome), or every campaign.")

        @Argument(help: "The campaign id (default: every campaign).")
        var id: String?

        @Flag(help: "Print the daemon's JSON instead.")
        var json = false

        @OptionGroup var admin: Admin

        func run() async throws {
            let client = try admin.client()
            let path = id.map { "/v1/campaigns/" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0) }
            let data = try await client.send("GET", path ?? "/v1/campaigns")
            if json { return print(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
            let campaigns: [CampaignView]
            if id != nil {
                campaigns = [try JSONDecoder().decode(CampaignView.self, from: data)]
            } else {
                campaigns = try JSONDecoder().decode([String: [CampaignView]].self, from: data)["campaigns"] ?? []
            }
            if campaigns.isEmpty { print("no campaigns") }
            let tty = isatty(STDOUT_FILENO) == 1
            for c in campaigns { print(c.render(terminal: tty, detailed: id != nil)) }
        }
    }

    enum Change {
        struct Pause: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Pause a running campaign (calls under way finish).")
            @Argument(help: "The campaign id.") var id: String
            @OptionGroup var admin: Admin
            func run() async throws { try await Change.send(id, "pause", admin) }
        }

        struct Resume: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Resume a paused campaign.")
            @Argument(help: "The campaign id.") var id: String
            @OptionGroup var admin: Admin
            func run() async throws { try await Change.send(id, "resume", admin) }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Cancel a campaign: its rows not yet placed are cancelled (calls under way finish).")
            @Argument(help: "The campaign id.") var id: String
            @OptionGroup var admin: Admin
            func run() async throws { try await Change.send(id, "cancel", admin) }
        }

        static func send(_ id: String, _ verb: String, _ admin: Admin) async throws {
            let path = "/v1/campaigns/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/\(verb)"
            let data = try await admin.client().send("POST", path)
            let c = try JSONDecoder().decode(CampaignView.self, from: data)
            print(c.render(terminal: isatty(STDOUT_FILENO) == 1, detailed: false))
        }
    }
}
