import Foundation
import Store
import Testing

@Suite struct StoreTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ivr-store-\(UUID().uuidString)/nested/ivr.sqlite").path
    }

    @Test func createsDirectoriesAndMigratesAFile() async throws {
        let path = tempPath()
        let store = try Store(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await store.recentCalls().isEmpty)
        // Opening again re-runs the migrator without error.
        _ = try Store(path: path)
    }

    @Test(arguments: Backend.allCases) func deliveriesAreDeduplicatedEvenConcurrently(_ backend: Backend) async throws {
        let store = try await backend.make()
        let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask { try await store.recordDelivery(subjectID: "wacid.1", event: "connect") }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(firsts == 1)
        #expect(try await store.recordDelivery(subjectID: "wacid.1", event: "terminate"))
        #expect(try await store.deliveryCount(subjectID: "wacid.1") == 2)
    }

    @Test(arguments: Backend.allCases) func callRowsInsertOnceAndUpdate(_ backend: Backend) async throws {
        let store = try await backend.make()
        let now = Date(timeIntervalSince1970: 1_764_070_000)
        let row = CallRecord(id: "wacid.9", phoneNumberID: "42", caller: "13175551234", flow: "main", status: .received,
                             receivedAt: now)
        #expect(try await store.insertCall(row))
        #expect(try await !store.insertCall(row))
        let updated = try await store.updateCall(id: "wacid.9", at: now.addingTimeInterval(5)) {
            $0.status = .rejected
            $0.reason = "no media handler"
        }
        #expect(updated?.status == .rejected)
        let fetched = try await store.call(id: "wacid.9")
        #expect(fetched?.reason == "no media handler")
        #expect(fetched?.updatedAt == now.addingTimeInterval(5))
        #expect(fetched?.flow == "main")
        #expect(try await store.updateCall(id: "wacid.unknown") { $0.status = .failed } == nil)
    }

    @Test func unopenablePathGivesAPreciseError() {
        #expect(throws: StoreError.self) { try Store(path: "/proc/definitely/not/writable/ivr.sqlite") }
    }
}
