import Foundation
import Logging
import Store
import StorePostgres

/// Which store the config names: PostgreSQL for a `postgres://` `database.url`, else the SQLite file.
public enum StoreChoice {
    public static func open(_ config: IVRConfig, logger: Logger = Logger(label: "ivr.store")) throws -> any CallStore {
        if let url = config.databaseURL {
            return try PostgresStore(url: url, instanceID: instanceID(config),
                                     outboxLease: TimeInterval(config.instance.outboxLeaseSeconds), logger: logger)
        }
        return try Store(path: config.database)
    }

    /// `instance.id`, else `<host name>:<http port>`.
    public static func instanceID(_ config: IVRConfig) -> String {
        config.instance.id ?? "\(ProcessInfo.processInfo.hostName):\(config.http.port)"
    }

    /// `instance.internal_url`, else this server's own HTTP address (a wildcard host becomes loopback).
    public static func internalURL(_ config: IVRConfig) -> String {
        if let url = config.instance.internalURL { return url }
        let host = ["0.0.0.0", "::", ""].contains(config.http.host) ? "127.0.0.1" : config.http.host
        return "http://\(host):\(config.http.port)"
    }
}
