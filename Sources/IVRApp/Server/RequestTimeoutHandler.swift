import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Read deadlines for one HTTP/1 connection, between the HTTP decoder and the request handling:
/// a new connection must deliver a complete request head within `header`, and a request's body
/// must be complete within `body` of its head; either miss closes the connection. A connection
/// still receiving a body when the server begins shutting down is closed at once, so a stalled
/// POST cannot hold up shutdown. (An idle keep-alive connection is Hummingbird's idle timeout's.)
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let header: TimeAmount
    let body: TimeAmount
    /// Called on the event loop when a deadline closes a connection ("header" or "body").
    let onTimeout: @Sendable (String) -> Void
    private var timer: Scheduled<Void>?
    private var readingBody = false
    private var sawFirstHead = false

    init(header: TimeAmount, body: TimeAmount, onTimeout: @escaping @Sendable (String) -> Void = { _ in }) {
        self.header = header
        self.body = body
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, !sawFirstHead { arm(context, in: header, what: "header") }
    }

    func channelActive(context: ChannelHandlerContext) {
        if timer == nil, !sawFirstHead { arm(context, in: header, what: "header") }
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            sawFirstHead = true
            readingBody = true
            cancel()
            arm(context, in: body, what: "body")
        case .body:
            break
        case .end:
            readingBody = false
            cancel()
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, readingBody || !sawFirstHead {
            cancel()
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func arm(_ context: ChannelHandlerContext, in amount: TimeAmount, what: String) {
        cancel()
        let onTimeout = self.onTimeout
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: amount) { [weak self] in
            self?.timer = nil
            onTimeout(what)
            context.close(promise: nil)
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}
