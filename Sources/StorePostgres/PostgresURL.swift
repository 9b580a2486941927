import Foundation
import PostgresNIO
import Store

/// A `postgres://` URL read into a client configuration.
///
/// `postgres://user:password@host:5432/db`; `postgresql://` too. `?host=/dir` (libpq's form) connects
/// through the Unix socket `/dir/.s.PGSQL.<port>`. `?sslmode=disable` (the default), `prefer` or `require`.
struct PostgresURL {
    var configuration: PostgresClient.Configuration
    /// The URL without its password, for logs.
    var summary: String

    init(_ text: String) throws {
        func bad(_ why: String) -> StoreError { StoreError.badDatabaseURL(reason: why) }
        guard let parts = URLComponents(string: text) else { throw bad("not a URL") }
        guard let scheme = parts.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw bad("expected postgres:// or postgresql://")
        }
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let user = parts.user?.removingPercentEncoding ?? "postgres"
        let password = parts.password?.removingPercentEncoding
        var database = parts.path.removingPercentEncoding ?? parts.path
        if database.hasPrefix("/") { database.removeFirst() }
        let port = parts.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port out of range") }
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "disable" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-full": tls = .require(.makeClientConfiguration())
        case let other: throw bad("sslmode '\(other)': expected disable, prefer or require")
        }
        let db = database.isEmpty ? nil : database
        if let dir = query["host"], dir.hasPrefix("/") {
            let socket = dir.hasSuffix(".s.PGSQL.\(port)") ? dir : "\(dir)/.s.PGSQL.\(port)"
            configuration = PostgresClient.Configuration(unixSocketPath: socket, username: user, password: password,
                                                         database: db)
            summary = "postgres://\(user)@\(socket)/\(database)"
        } else {
            guard let host = parts.host, !host.isEmpty else { throw bad("no host (or ?host=/socket/dir)") }
            configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: db, tls: tls)
            summary = "postgres://\(user)@\(host):\(port)/\(database)"
        }
    }

    /// Whether `text` names a PostgreSQL database (else it is a SQLite path).
    static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }
}
