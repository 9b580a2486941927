import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Wire

/// One UDP socket carrying one call's media (STUN, DTLS, SRTP, SRTCP demultiplexed by the session).
/// The session lives on the socket's event loop: datagrams and timers reach it there, in order,
/// and every output it produces is written and flushed in the same turn.
public final class UDPMediaSocket<Session: DatagramSession>: Sendable {
    public let localAddress: TransportAddress
    public let events: AsyncStream<MediaEvent>
    let channel: any Channel
    private let handler: NIOLoopBound<Handler>

    final class Handler: ChannelInboundHandler, LoopTicker.Client {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>

        var session: Session?
        let clock: any MonotonicClock
        let continuation: AsyncStream<MediaEvent>.Continuation
        var context: ChannelHandlerContext?
        var finished = false
        /// Datagrams that were not valid for the session's state are the session's business;
        /// these count what never reached it (no session yet, unparseable addresses).
        var dropped = 0

        init(clock: any MonotonicClock, continuation: AsyncStream<MediaEvent>.Continuation) {
            self.clock = clock
            self.continuation = continuation
        }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let session, let source = TransportAddress(envelope.remoteAddress) else {
                dropped += 1
                return
            }
            session.handleDatagram(Array(buffer: envelope.data), from: source, now: clock.now())
            drain()
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(reason: "media socket closed")
            self.context = nil
        }

        /// Runs `body` against the session, then writes what it produced.
        func withSession(_ body: (Session, Instant) -> Void) {
            guard let session else { return }
            body(session, clock.now())
            drain()
        }

        func drain() {
            guard let session, let context else { return }
            var wrote = false
            while let t = session.pollTransmit() {
                guard let address = try? SocketAddress(t.destination) else { continue }
                let buffer = context.channel.allocator.buffer(bytes: t.bytes)
                context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
                wrote = true
            }
            if wrote { context.flush() }
            while let event = session.pollEvent() {
                continuation.yield(event)
                if case .closed = event { finished = true; continuation.finish() }
            }
        }

        /// The shared tick of this event loop: wakes the session when its deadline has come.
        func tick(now: Instant) -> Bool {
            guard let session, context != nil, !finished else { return false }
            if let deadline = session.nextDeadline(), deadline <= now {
                session.handleTimeout(now: now)
                drain()
            }
            return !finished
        }

        func finish(reason: String) {
            guard !finished else { return }
            finished = true
            continuation.yield(.closed(reason: reason))
            continuation.finish()
        }
    }

    private init(localAddress: TransportAddress, events: AsyncStream<MediaEvent>, channel: any Channel,
                 handler: NIOLoopBound<Handler>) {
        self.localAddress = localAddress
        self.events = events
        self.channel = channel
        self.handler = handler
    }

    /// Binds a socket on `ip` to a free port in `ports`, then builds the session on the socket's
    /// event loop with the bound address (its host candidate).
    public static func open(ip: String, ports: ClosedRange<Int>, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            clock: any MonotonicClock = SystemMonotonicClock(), tick: TimeAmount = .milliseconds(2),
                            makeSession: @escaping @Sendable (TransportAddress) throws -> Session) async throws
        -> UDPMediaSocket<Session> {
        guard IPAddress(ip) != nil else { throw MediaTransportError.invalidAddress(ip) }
        let (events, continuation) = AsyncStream.makeStream(of: MediaEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let loop = group.next()
        let handler = try await loop.submit { NIOLoopBound(Handler(clock: clock, continuation: continuation), eventLoop: loop) }.get()
        let channel = try await bind(ip: ip, ports: ports, loop: loop, handler: handler)
        guard let local = channel.localAddress.flatMap(TransportAddress.init) else {
            try? await channel.close()
            throw MediaTransportError.invalidAddress(ip)
        }
        do {
            try await loop.submit {
                handler.value.session = try makeSession(local)
                LoopTicker.on(loop, interval: tick, clock: clock).add(handler.value)
            }.get()
        } catch {
            try? await channel.close()
            throw error
        }
        return UDPMediaSocket(localAddress: local, events: events, channel: channel, handler: handler)
    }

    private static func bind(ip: String, ports: ClosedRange<Int>, loop: any EventLoop, handler: NIOLoopBound<Handler>)
        async throws -> any Channel {
        let count = ports.count
        let start = Int.random(in: 0..<count)
        var lastError = "range empty"
        for i in 0..<count {
            let port = ports.lowerBound + (start + i) % count
            do {
                return try await DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 0)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(handler.value)
                        }
                    }
                    .bind(host: ip, port: port).get()
            } catch {
                lastError = "\(error)"
            }
        }
        throw MediaTransportError.noFreePort(address: ip, range: ports, lastError: lastError)
    }

    /// Runs `body` on the event loop with the session, then flushes its output.
    public func withSession(_ body: @escaping @Sendable (Session, Instant) -> Void) {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.withSession(body) }
    }

    /// Runs `body` on the event loop with the session, flushes its output, and returns when done.
    public func perform(_ body: @escaping @Sendable (Session, Instant) -> Void) async {
        let handler = self.handler
        try? await handler.eventLoop.submit { handler.value.withSession(body) }.get()
    }

    /// Reads a value from the session on its event loop.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Session) -> T) async -> T? {
        let handler = self.handler
        return try? await handler.eventLoop.submit { handler.value.session.map(body) }.get()
    }

    /// Closes the socket. Call after the session has sent what it needs to (e.g. DTLS close_notify).
    public func close() async {
        try? await channel.close()
    }
}

extension TransportAddress {
    init?(_ address: SocketAddress) {
        guard let port = address.port, let ipText = address.ipAddress, let ip = IPAddress(ipText) else { return nil }
        self.init(ip: ip, port: UInt16(port))
    }
}

extension SocketAddress {
    init(_ address: TransportAddress) throws {
        self = try SocketAddress(ipAddress: address.ip.description, port: Int(address.port))
    }
}
