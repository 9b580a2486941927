import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP server's limits from `http:` in the config: Hummingbird's idle timeout and
/// connection cap, and the header/body read deadlines of `RequestTimeoutHandler`.
struct HTTPLimits: Sendable {
    var header: TimeAmount
    var body: TimeAmount
    var idle: TimeAmount
    var maxConnections: Int

    init(_ http: IVRConfig.HTTP) {
        header = .seconds(Int64(http.headerTimeoutSeconds))
        body = .seconds(Int64(http.bodyTimeoutSeconds))
        idle = .seconds(Int64(http.idleTimeoutSeconds))
        maxConnections = http.maxConnections
    }

    /// HTTP/1 with the idle timeout and the read deadlines; `onTimeout` counts the closed connections.
    func server(onTimeout: @escaping @Sendable (String) -> Void) -> HTTPServerBuilder {
        let (header, body) = (self.header, self.body)
        return .http1(configuration: .init(
            additionalChannelHandlers: [RequestTimeoutHandler(header: header, body: body, onTimeout: onTimeout)],
            idleTimeout: idle))
    }

    func configuration(host: String, port: Int, logger: Logger) -> ApplicationConfiguration {
        ApplicationConfiguration(address: .hostname(host, port: port), serverName: "ivrd",
                                 availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger))
    }
}
