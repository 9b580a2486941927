import Foundation
import Logging
import PostgresNIO
import Store
import StorePostgres
import GRDB
import Testing

/// The two stores the shared suite runs against: SQLite in a temp file, PostgreSQL on a real server.
///
/// PostgreSQL comes from `IVR_TEST_DATABASE_URL` (`.ci/test.sh` starts a throwaway cluster with
/// Tests/support/pg-cluster.sh and exports it). Without it, under CI (`CI=true`) every PostgreSQL case
/// fails with that message; on a developer's machine the cluster is started in `.build/pg-test` and left
/// running for the next run (`Tests/support/pg-cluster.sh stop .build/pg-test` ends it).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty store. On PostgreSQL each call gets its own database, so tests never see each other's rows.
    func make(instance: String = "test-a") async throws -> any CallStore {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("ivr-store-\(UUID().uuidString).sqlite").path
            return try Store(path: path)
        case .postgres:
            let url = try await PostgresTestServer.shared.freshDatabase()
            let store = try PostgresStore(url: url, instanceID: instance)
            try await store.prepare()
            return store
        }
    }

    /// A second store on the same database (another instance, or the same after a restart).
    func reopen(_ store: any CallStore, instance: String = "test-a") throws -> any CallStore {
        switch store {
        case let s as Store: return try Store(path: s.path)
        case let p as PostgresStore: return try PostgresStore(url: p.url, instanceID: instance)
        default: throw TestSetupError("unknown store \(type(of: store))")
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The test server, and a database per test on it.
actor PostgresTestServer {
    static let shared = PostgresTestServer()
    private var baseURL: String?

    /// `postgres://…/ivr_test_<uuid>`, created empty.
    func freshDatabase() async throws -> String {
        let base = try serverURL()
        let name = "ivr_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await Self.execute("CREATE DATABASE \(name)", on: base)
        guard var parts = URLComponents(string: base) else { throw TestSetupError("bad URL \(base)") }
        parts.path = "/" + name
        guard let url = parts.string else { throw TestSetupError("bad URL \(base)") }
        return url
    }

    private func serverURL() throws -> String {
        if let baseURL { return baseURL }
        let env = ProcessInfo.processInfo.environment
        if let url = env["IVR_TEST_DATABASE_URL"], !url.isEmpty {
            baseURL = url
            return url
        }
        if env["CI"] == "true" {
            throw TestSetupError("""
                IVR_TEST_DATABASE_URL is not set: the PostgreSQL store tests need a real server. `make test` \
                (.ci/test.sh) starts one with Tests/support/pg-cluster.sh and exports it
                """)
        }
        let url = try Self.startLocalCluster()
        baseURL = url
        return url
    }

    /// Developer machines: `pg-cluster.sh start .build/pg-test` (reused while it runs).
    private static func startLocalCluster() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = root.appendingPathComponent("Tests/support/pg-cluster.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "start", root.appendingPathComponent(".build/pg-test").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // Reaped here: Foundation's waitUntilExit was seen never to return for this script (which starts
        // a daemon through pg_ctl and runuser); the child stayed a zombie nobody waited for.
        var status: Int32 = 0
        let succeeded: Bool
        if waitpid(process.processIdentifier, &status, 0) == process.processIdentifier {
            succeeded = status & 0x7f == 0 && (status >> 8) & 0xff == 0
        } else {
            process.waitUntilExit()   // Foundation reaped it first
            succeeded = process.terminationStatus == 0
        }
        guard succeeded, text.hasPrefix("postgres://") else {
            throw TestSetupError("could not start a PostgreSQL test cluster with \(script) (set IVR_TEST_DATABASE_URL)")
        }
        return text
    }

    /// A count from the store's own database (tests of storage details, e.g. bodies kept).
    static func count(_ sql: String, in store: any CallStore) async throws -> Int {
        switch store {
        case let s as Store:
            return try await s.writer.read { db in try Int.fetchOne(db, sql: sql) } ?? -1
        case let p as PostgresStore:
            return try await withConnection(to: p) { conn, logger in
                try? await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().first?.decode(Int.self)
            } ?? -1
        default:
            throw TestSetupError("unknown store")
        }
    }

    /// One statement on a PostgreSQL store's own database (rows a test needs that no store method writes).
    static func execute(_ sql: String, in store: PostgresStore) async throws {
        try await withConnection(to: store) { conn, logger in
            try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    private static func withConnection<R: Sendable>(
        to store: PostgresStore, _ body: (PostgresConnection, Logger) async throws -> R) async throws -> R {
        guard let parts = URLComponents(string: store.url), let host = parts.host else { throw TestSetupError("bad URL") }
        let config = PostgresConnection.Configuration(host: host, port: parts.port ?? 5432,
                                                      username: parts.user ?? "postgres", password: parts.password,
                                                      database: String(parts.path.dropFirst()), tls: .disable)
        let logger = Logger(label: "ivr.test.pg")
        let conn = try await PostgresConnection.connect(configuration: config, id: 2, logger: logger)
        do {
            let result = try await body(conn, logger)
            try await conn.close()
            return result
        } catch {
            try? await conn.close()
            throw error
        }
    }

    /// One statement outside a transaction (CREATE DATABASE cannot run in one), on its own connection.
    static func execute(_ sql: String, on url: String) async throws {
        guard let parts = URLComponents(string: url), let host = parts.host else { throw TestSetupError("bad URL \(url)") }
        let config = PostgresConnection.Configuration(host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres",
                                                      password: parts.password, database: "postgres", tls: .disable)
        let logger = Logger(label: "ivr.test.pg")
        let conn = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        do {
            try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await conn.close()
            throw error
        }
        try await conn.close()
    }
}
