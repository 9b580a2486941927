import Foundation
import Logging
import PostgresNIO
import Store

/// The store on PostgreSQL, for several instances sharing one database (`database.url: postgres://…`).
///
/// Same contract as the SQLite `Store` (the same suite runs against both), with what sharing needs:
/// row locks (`SELECT … FOR UPDATE`) where SQLite relied on its single writer, outbox claims with
/// `FOR UPDATE SKIP LOCKED` and a lease, and the instance that owns each call. Connections come from a
/// postgres-nio pool whose `run()` lives in a task owned by the store; `close()` ends it.
public final class PostgresStore: CallStore {
    public let summary: String
    /// The URL it was opened with (password included: not for logs; `summary` is).
    public let url: String
    /// This instance's id: written on the calls it owns and on the outbox rows it claims.
    public let instanceID: String
    /// How long a claimed outbox row stays with its claimant; after that another instance may take it.
    public let outboxLease: TimeInterval
    /// How long `prepare()` waits for the server (the pool itself retries without end).
    let connectTimeout: Duration
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    private let gate = ReadyGate()

    /// Opens a pool to `url` (`postgres://user:password@host:port/db`, `?host=/socket/dir` for a Unix socket,
    /// `?sslmode=disable|prefer|require`). Nothing is sent until the first query (or `prepare()`).
    public init(url: String, instanceID: String, outboxLease: TimeInterval = 60, connectTimeout: Duration = .seconds(10),
                logger: Logger = Logger(label: "ivr.store")) throws {
        let endpoint = try PostgresURL(url)
        var config = endpoint.configuration
        config.options.minimumConnections = 0
        config.options.maximumConnections = 10
        config.options.connectTimeout = .seconds(5)
        // The pool's own messages at warning and above (at info it reports every connection it closes).
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: config, backgroundLogger: background)
        self.client = client
        self.summary = endpoint.summary
        self.url = url
        self.instanceID = instanceID
        self.outboxLease = outboxLease
        self.connectTimeout = connectTimeout
        self.logger = logger
        self.runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    public func prepare() async throws {
        let client = self.client, logger = self.logger, summary = self.summary, timeout = connectTimeout
        try await gate.ready {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await PostgresMigrations.migrate(client, logger: logger, summary: summary) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw StoreError.cannotOpen(path: summary, reason: "no connection within \(timeout)")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    public func close() async {
        runner.cancel()
    }

    /// Runs `body` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws), on one pooled connection.
    /// The error `body` throws is rethrown as it is.
    func transaction<R: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        try await prepare()
        let logger = self.logger
        return try await client.withConnection { conn in
            try await conn.query("BEGIN", logger: logger)
            let result: R
            do {
                result = try await body(conn)
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
            try await conn.query("COMMIT", logger: logger)
            return result
        }
    }

    /// A statement outside any explicit transaction (autocommit), rows collected.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await prepare()
        return try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    public func checkWritable() async throws {
        try await prepare()
        let logger = self.logger
        // A write statement that changes nothing fails on a read-only server (a standby, or
        // default_transaction_read_only); the transaction is rolled back either way.
        try await client.withConnection { conn in
            try await conn.query("BEGIN", logger: logger)
            do {
                try await conn.query("UPDATE instances SET last_seen = last_seen WHERE false", logger: logger)
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
            try await conn.query("ROLLBACK", logger: logger)
        }
    }
}

/// Migrates once; a failure is reported to the caller and tried again by the next one.
actor ReadyGate {
    private var done = false
    private var running: Task<Void, any Error>?

    func ready(_ work: @Sendable @escaping () async throws -> Void) async throws {
        if done { return }
        let task = running ?? Task { try await work() }
        running = task
        do {
            try await task.value
            done = true
        } catch {
            running = nil
            throw error
        }
    }
}

extension PostgresConnection {
    /// Rows of a query on this connection, collected for random access.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }
}
