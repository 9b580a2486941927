import Foundation
import GRDB

/// One page of `scheduled_calls`, newest first, and how many rows match in all.
public struct ScheduledCallPage: Sendable, Equatable {
    public var rows: [ScheduledCallRecord]
    public var total: Int

    public init(rows: [ScheduledCallRecord], total: Int) {
        self.rows = rows
        self.total = total
    }
}

/// Why a scheduled call could not be cancelled.
public enum ScheduledCallCancelError: Error, Equatable, CustomStringConvertible {
    case notFound(id: String)
    case final(id: String, state: ScheduledCallRecord.State)

    public var description: String {
        switch self {
        case let .notFound(id): return "no scheduled call with id \(id)"
        case let .final(id, state):
            return "scheduled call \(id) is \(state.rawValue); only a call not yet done, failed or cancelled can be cancelled"
        }
    }
}

/// The console's view of scheduled calls: a filtered list and cancelling one.
public protocol ScheduledCallListing: Sendable {
    func scheduledCalls(state: ScheduledCallRecord.State?, origin: ScheduledCallRecord.Origin?, limit: Int,
                        offset: Int) async throws -> ScheduledCallPage
    /// Marks a row that is not final `cancelled` (`last_result` "cancelled"); the dialer skips it from then on.
    func cancelScheduledCall(id: String, at date: Date) async throws -> ScheduledCallRecord
}

extension ScheduledCallRecord {
    /// Cancelled by the operator: final, `last_result` "cancelled", unclaimed.
    public mutating func cancel(at date: Date) {
        state = .cancelled
        lastResult = "cancelled"
        claimedBy = nil
        claimedUntil = nil
        updatedAt = date
    }
}

extension Store: ScheduledCallListing {
    public func scheduledCalls(state: ScheduledCallRecord.State?, origin: ScheduledCallRecord.Origin?, limit: Int,
                               offset: Int) async throws -> ScheduledCallPage {
        try await writer.read { db in
            var request = ScheduledCallRecord.all()
            if let state { request = request.filter(Column("state") == state.rawValue) }
            if let origin { request = request.filter(Column("origin") == origin.rawValue) }
            let total = try request.fetchCount(db)
            let rows = try request.order(Column("created_at").desc, Column("id").desc).limit(limit, offset: offset).fetchAll(db)
            return ScheduledCallPage(rows: rows, total: total)
        }
    }

    public func cancelScheduledCall(id: String, at date: Date) async throws -> ScheduledCallRecord {
        try await write { db in
            guard var row = try ScheduledCallRecord.fetchOne(db, key: id) else { throw ScheduledCallCancelError.notFound(id: id) }
            guard !row.state.isFinal else { throw ScheduledCallCancelError.final(id: id, state: row.state) }
            row.cancel(at: date)
            try row.update(db)
            return row
        }
    }
}
