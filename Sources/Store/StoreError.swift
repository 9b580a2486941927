/// Errors from opening or using the store.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotOpen(path: String, reason: String)
    case migrationFailed(path: String, reason: String)
    case noSuchOutboxMessage(id: Int64)
    case cannotRetry(id: Int64, status: String)
    /// `database.url` / `IVR_DATABASE_URL` could not be read.
    case badDatabaseURL(reason: String)
    /// A stored value this version does not know (e.g. a status written by a newer version).
    case badValue(table: String, column: String, value: String)
    /// A row to insert whose key is already taken (nothing of the write is kept).
    case duplicate(table: String, id: String)
    /// A grouped write whose transaction ended before the write ran (a store bug, never expected).
    case writeNotRun

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(path, reason): return "cannot create directory \(path): \(reason)"
        case let .cannotOpen(path, reason): return "cannot open database \(path): \(reason)"
        case let .migrationFailed(path, reason): return "migrating database \(path) failed: \(reason)"
        case let .noSuchOutboxMessage(id): return "no outbox message with id \(id)"
        case let .cannotRetry(id, status):
            return "outbox message \(id) is \(status); only failed or pending messages can be retried"
        case let .badDatabaseURL(reason): return "database URL: \(reason)"
        case let .badValue(table, column, value): return "\(table).\(column) holds an unknown value '\(value)'"
        case let .duplicate(table, id): return "\(table) already has a row \(id)"
        case .writeNotRun: return "a write was not run by its transaction"
        }
    }
}
