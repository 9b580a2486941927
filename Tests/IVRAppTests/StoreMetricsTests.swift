import Foundation
import IVRApp
import Store
import Testing

/// `/metrics` carries the SQLite store's writes and the transactions that carried them.
@Suite struct StoreMetricsTests {
    @Test func theStoresWritesAndTransactionsAreExported() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-metrics-\(UUID().uuidString).sqlite").path
        let store = try Store(path: path)
        let metrics = IVRMetrics()
        metrics.watchStore(store)
        #expect(metrics.exposition().contains("ivr_store_writes_total 0"))
        try await store.recordEvent(callID: "a", kind: .step, detail: "one", at: Date())
        try await store.recordEvent(callID: "a", kind: .step, detail: "two", at: Date())
        let text = metrics.exposition()
        #expect(text.contains("ivr_store_writes_total 2"))
        #expect(text.contains("ivr_store_transactions_total 2"))
        // Read again: counted once, not twice.
        #expect(metrics.exposition().contains("ivr_store_writes_total 2"))
    }
}
