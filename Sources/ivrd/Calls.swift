import ArgumentParser
import Foundation
import IVRApp
import Store

/// `ivrd calls`: reads the call records, timelines and outbox from the database.
struct Calls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show recorded calls, one call's timeline, and the follow-up outbox; prune old records.",
        discussion: "The database is --db, else IVR_DATABASE_URL or database.url (PostgreSQL), else IVR_DB, else storage.db of --config, else var/ivr.sqlite.",
        subcommands: [List.self, Show.self, Outbox.self, Prune.self],
        defaultSubcommand: List.self
    )

    struct Database: ParsableArguments {
        @Option(name: .long, help: "SQLite file to read (overrides IVR_DB and the config).")
        var db: String?

        @Option(name: .long, help: "YAML config file whose storage.db to use.")
        var config: String?

        func open() throws -> any CallStore {
            var path = db
            if path == nil {
                let loaded: IVRConfig
                do {
                    loaded = try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
                } catch let error as ConfigError {
                    throw ValidationError("configuration error: \(error)")
                }
                // A PostgreSQL store (database.url / IVR_DATABASE_URL) is read where it is shared.
                if loaded.databaseURL != nil { return try StoreChoice.open(loaded) }
                path = loaded.database
            }
            let file = path ?? IVRConfig().database
            guard FileManager.default.fileExists(atPath: file) else {
                throw CallsError("no database at \(file) (set --db, IVR_DB or storage.db)")
            }
            return try Store(path: file)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent calls, newest first.")

        @OptionGroup var database: Database
        @Option(help: "Only calls since: 30m, 2h, 1d, 1w, or an ISO date (2026-11-25) or time (2026-11-25T10:00:00Z).")
        var since: String?
        @Option(help: "Only calls of this flow.")
        var flow: String?
        @Option(help: "Only calls with this status: received, pre_accepted, accepted, completed, failed, rejected.")
        var status: String?
        @Option(help: "At most this many calls.")
        var limit = 100
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            var sinceDate: Date?
            if let since {
                guard let d = CallsReport.parseSince(since, now: Date()) else {
                    throw ValidationError("--since: expected e.g. 30m, 2h, 1d, 1w or an ISO date, got '\(since)'")
                }
                sinceDate = d
            }
            if let status, CallStatus(rawValue: status) == nil {
                throw ValidationError("--status: expected one of \(CallStatus.allCases.map(\.rawValue).joined(separator: ", ")), got '\(status)'")
            }
            let store = try database.open()
            let calls = try await store.calls(since: sinceDate, flow: flow, status: status, limit: limit)
            print(json ? CallsReport.listJSON(calls) : CallsReport.listText(calls), terminator: "")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One call and its timeline.")

        @OptionGroup var database: Database
        @Argument(help: "The call id (wacid.…).")
        var id: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let store = try database.open()
            guard let call = try await store.call(id: id) else {
                throw CallsError("no call with id \(id)")
            }
            let events = try await store.events(callID: id)
            let outbox = try await store.outboxMessages(callID: id)
            print(json ? CallsReport.showJSON(call, events: events, outbox: outbox)
                       : CallsReport.showText(call, events: events, outbox: outbox), terminator: "")
        }
    }

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow-up messages: pending and failed ones (list), or retry one.",
            subcommands: [OutboxList.self, Retry.self],
            defaultSubcommand: OutboxList.self
        )
    }

    struct OutboxList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Pending and failed messages.")

        @OptionGroup var database: Database
        @Flag(help: "Every message, sent ones too.")
        var all = false
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let store = try database.open()
            let messages = try await store.outboxMessages(statuses: all ? nil : [.pending, .sending, .failed])
            print(json ? CallsReport.outboxJSON(messages) : CallsReport.outboxText(messages), terminator: "")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a failed message again (the running daemon picks it up within outbox.poll_interval_ms).")

        @OptionGroup var database: Database
        @Argument(help: "The outbox message id (see `ivrd calls outbox`).")
        var id: Int64

        func run() async throws {
            let store = try database.open()
            do {
                let m = try await store.retryOutbox(id: id)
                print("outbox message \(id) (call \(m.callID), rule \(m.ruleKey)) queued for another attempt")
            } catch let error as StoreError {
                throw CallsError("\(error)")
            }
        }
    }
}

/// A runtime failure of `ivrd calls` (printed as `Error: …`, exit status 1, no usage text).
struct CallsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
