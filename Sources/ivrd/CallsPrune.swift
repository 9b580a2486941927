import ArgumentParser
import Foundation
import IVRApp
import Store

extension Calls {
    /// `ivrd calls prune`: one retention pass now, as the daemon's periodic job does it.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete call events, webhook deliveries, finished outbox rows and recordings older than retention: allows.",
            discussion: """
                Periods come from the retention: section of --config (see Deploy/ivr.example.yaml); 0 days keeps a \
                kind forever. Call rows are kept. Safe while the daemon runs.
                """)

        @OptionGroup var database: Database
        @Flag(help: "Count what would be deleted; delete nothing.")
        var dryRun = false

        func run() async throws {
            let config: IVRConfig
            do {
                config = try ConfigLoader.load(path: database.config, environment: ProcessInfo.processInfo.environment)
            } catch let error as ConfigError {
                throw ValidationError("configuration error: \(error)")
            }
            let store = try database.open()
            let report: RetentionReport
            do {
                report = try await RetentionJob(store: store, policy: config.retention).run(now: Date(), dryRun: dryRun)
            } catch {
                throw CallsError("prune failed: \(error)")
            }
            print(Self.text(report, policy: config.retention), terminator: "")
        }

        static func text(_ r: RetentionReport, policy p: IVRConfig.Retention) -> String {
            func kept(_ days: Int) -> String { days > 0 ? "older than \(days) days" : "kept forever" }
            let rows: [(String, Int, String)] = [
                ("call events", r.rows.callEvents, kept(p.eventsDays)),
                ("webhook deliveries", r.rows.deliveries, kept(p.deliveriesDays)),
                ("outbox rows", r.rows.outbox, kept(p.outboxDays) + (p.outboxDays > 0 ? ", finished only" : "")),
                ("recordings", r.recordings, kept(p.recordingsDays) + ", in \(p.recordingsDirectory)"),
            ]
            var out = r.dryRun ? "dry run: would delete\n" : "deleted\n"
            for (name, count, why) in rows {
                out += "  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(count).leftPadded(to: 8) + "  (\(why))\n"
            }
            return out
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
