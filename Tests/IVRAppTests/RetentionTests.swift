import Foundation
import IVRApp
import IVRTesting
import Logging
import NIOConcurrencyHelpers
import Store
import Testing

/// `retention:` settings, the retention job (store rows and recordings) and its periodic service.
@Suite struct RetentionTests {
    let t0 = Date(timeIntervalSince1970: 1_764_070_000)

    @Test func theExampleConfigDocumentsTheDefaults() throws {
        let path = Fixtures.repositoryRoot().appendingPathComponent("Deploy/ivr.example.yaml").path
        let c = try ConfigLoader.load(path: path, environment: [:])
        #expect(c.retention == IVRConfig.Retention())
        #expect(c.retention.recordingsDays == 30 && c.retention.eventsDays == 90)
        #expect(c.retention.deliveriesDays == 14 && c.retention.outboxDays == 90)
        #expect(c.retention.intervalMinutes == 60 && c.retention.recordingsDirectory == "var/recordings")
    }

    @Test func settingsAreReadAndZeroKeepsForever() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: """
            retention:
              recordings_days: 7
              events_days: 0
              deliveries_days: 10
              outbox_days: 365
              interval_minutes: 5
              recordings_dir: /var/lib/ivrd/recordings
            """, source: "r.yaml", to: &c)
        #expect(c.retention.recordingsDays == 7 && c.retention.deliveriesDays == 10 && c.retention.outboxDays == 365)
        #expect(c.retention.intervalMinutes == 5 && c.retention.recordingsDirectory == "/var/lib/ivrd/recordings")
        let cutoffs = c.retention.cutoffs(now: t0)
        #expect(cutoffs.callEvents == nil)
        #expect(cutoffs.deliveries == t0.addingTimeInterval(-10 * 86_400))
        #expect(c.retention.recordingsCutoff(now: t0) == t0.addingTimeInterval(-7 * 86_400))
    }

    @Test func mistakesAreNamedWithTheirLine() {
        var c = IVRConfig()
        #expect(throws: ConfigError(source: "r.yaml", line: 3, message: "retention.events_days: -1 is outside 0…10000")) {
            try ConfigLoader.apply(yaml: "retention:\n  outbox_days: 3\n  events_days: -1\n", source: "r.yaml", to: &c)
        }
        #expect(throws: ConfigError(source: "r.yaml", line: 2, message: "retention.interval_minutes: 0 is outside 1…10080")) {
            try ConfigLoader.apply(yaml: "retention:\n  interval_minutes: 0\n", source: "r.yaml", to: &c)
        }
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.apply(yaml: "retention:\n  recording_days: 3\n", source: "r.yaml", to: &c)
        }
        #expect(error?.description.hasPrefix("r.yaml:2: unknown key 'recording_days' in 'retention' (did you mean 'recordings_days'?)") == true)
    }

    func storeWithOldRows() async throws -> Store {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ivr-retention-app-\(UUID().uuidString)/ivr.sqlite").path
        let store = try Store(path: path)
        try await store.recordEvent(callID: "wacid.1", kind: .step, detail: "old", at: t0.addingTimeInterval(-100 * 86_400))
        try await store.recordEvent(callID: "wacid.1", kind: .step, detail: "new", at: t0.addingTimeInterval(-86_400))
        _ = try await store.recordDelivery(subjectID: "wacid.1", event: "connect", at: t0.addingTimeInterval(-20 * 86_400))
        return store
    }

    func policy(recordings: String) -> IVRConfig.Retention {
        var p = IVRConfig.Retention()
        p.recordingsDirectory = recordings
        return p
    }

    func recordingsFolder(oldFiles: Int) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-rec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for i in 0..<oldFiles {
            let path = (folder as NSString).appendingPathComponent("old-\(i).wav")
            #expect(FileManager.default.createFile(atPath: path, contents: Data([0])))
            try FileManager.default.setAttributes([.modificationDate: t0.addingTimeInterval(-31 * 86_400)], ofItemAtPath: path)
        }
        return folder
    }

    @Test func theJobPrunesRowsAndRecordingsAndADryRunOnlyCounts() async throws {
        let store = try await storeWithOldRows()
        let folder = try recordingsFolder(oldFiles: 2)
        let job = RetentionJob(store: store, policy: policy(recordings: folder))
        let planned = try await job.run(now: t0, dryRun: true)
        #expect(planned == RetentionReport(rows: PruneCounts(callEvents: 1, deliveries: 1), recordings: 2, dryRun: true))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2)
        let done = try await job.run(now: t0)
        #expect(done == RetentionReport(rows: PruneCounts(callEvents: 1, deliveries: 1), recordings: 2))
        #expect(try await store.events(callID: "wacid.1").map(\.detail) == ["new"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func theServiceRunsAtStartThenEveryIntervalOnItsClock() async throws {
        let store = try await storeWithOldRows()
        let clock = TestClock()
        let now = NIOLockedValueBox(t0)
        let (reports, continuation) = AsyncStream.makeStream(of: Result<RetentionReport, any Error>.self)
        var p = policy(recordings: try recordingsFolder(oldFiles: 0))
        p.intervalMinutes = 10
        let service = RetentionService(job: RetentionJob(store: store, policy: p), clock: clock,
                                       now: { now.withLockedValue { $0 } }, logger: Logger(label: "test.retention"),
                                       onReport: { continuation.yield($0) })
        let running = Task { try await service.run() }
        var iterator = reports.makeAsyncIterator()
        let first = try #require(await iterator.next()).get()
        #expect(first.rows == PruneCounts(callEvents: 1, deliveries: 1))

        // An old event appears; the next run, one interval later on the service's clock, prunes it.
        try await store.recordEvent(callID: "wacid.2", kind: .step, detail: "x", at: t0.addingTimeInterval(-95 * 86_400))
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(9 * 60))
        #expect(clock.sleepers == 1)   // not yet: the interval is 10 minutes
        clock.advance(by: .seconds(60))
        let second = try #require(await iterator.next()).get()
        #expect(second.rows == PruneCounts(callEvents: 1))

        running.cancel()
        try await running.value
        #expect(try await store.events(callID: "wacid.1").map(\.detail) == ["new"])
    }
}
