import Foundation
import GRDB
@testable import Store
import Testing
import Wire

/// `StoredDate` writes the text GRDB's own formatter writes ("yyyy-MM-dd HH:mm:ss.SSS", UTC), so rows written
/// before and after it sort, compare and read back alike.
@Suite struct StoredDateTests {
    /// Dates where a formatter is easily off by one: epoch, leap days, year ends, pre-1970, milliseconds
    /// that are not exact in binary, the last millisecond of a second.
    static let edges: [TimeInterval] = [
        0, -0.001, -0.5, -1, -86_400.25, 951_782_400, 951_868_799.999, 1_796_602_993.007, 1_796_602_993.123,
        1_796_602_993.9999, 4_102_444_799.999, 253_402_300_799.999, -62_135_596_800, 1.0009999999, 0.0005,
    ]

    @Test func sameTextAsGRDBAtTheEdges() {
        for t in Self.edges {
            let date = Date(timeIntervalSince1970: t)
            #expect(StoredDate.databaseValue(date) == date.databaseValue, "\(t)")
        }
    }

    @Test func sameTextAsGRDBForManyDates() {
        var random = SplitMix64(seed: 20_261_207)
        for _ in 0..<20_000 {
            // 1900...2200, with sub-millisecond parts.
            let t = -2_208_988_800 + Double(random.next() % 9_467_280_000_000) / 1000 + Double(random.next() % 1000) / 1e6
            let date = Date(timeIntervalSince1970: t)
            #expect(StoredDate.databaseValue(date) == date.databaseValue, "\(t)")
        }
    }

    @Test func outOfRangeFallsBackToGRDB() {
        for date in [Date.distantPast, Date.distantFuture, Date(timeIntervalSince1970: 1e13)] {
            #expect(StoredDate.databaseValue(date) == date.databaseValue)
        }
    }

    @Test func recordsWriteTheSameText() async throws {
        let store = try Store(inMemoryNamed: "stored-date-\(UUID().uuidString)")
        let at = Date(timeIntervalSince1970: 1_796_602_993.123)
        try await store.write { db in try CallEvent(callID: "c1", at: at, kind: .step, detail: "menu").insert(db) }
        let text = try await store.writer.read { db in try String.fetchOne(db, sql: "SELECT at FROM call_events") }
        #expect(text == "2026-12-07 00:23:13.123")
        let back = try await store.writer.read { db in try CallEvent.fetchOne(db, sql: "SELECT * FROM call_events") }
        let seconds = try #require(back?.at.timeIntervalSince1970)
        #expect(abs(seconds - 1_796_602_993.123) < 0.0005)
    }
}
