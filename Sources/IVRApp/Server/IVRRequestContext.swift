import Hummingbird
import NIOCore

/// The request context of the daemon's routes: Hummingbird's core context plus the peer's
/// address, which the failure limiters key on (see `SourceLimiter`).
public struct IVRRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
