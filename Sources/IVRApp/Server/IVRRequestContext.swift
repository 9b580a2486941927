import Hummingbird
import NIOCore

/// The request context of the daemon's routes: Hummingbird's core context plus the peer's
/// address, which the webhook failure limiter keys on.
public struct IVRRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The source address as a limiter key (the IP without the port); "-" when unknown.
    var sourceKey: String { remoteAddress?.ipAddress ?? "-" }
}
