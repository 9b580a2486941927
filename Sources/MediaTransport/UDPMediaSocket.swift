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

        var slot: SessionSlot<Session>?
        let clock: any MonotonicClock
        let continuation: AsyncStream<MediaEvent>.Continuation
        let audioBatch: Duration
        var context: ChannelHandlerContext?
        /// Datagrams that were not valid for the session's state are the session's business;
        /// these count what never reached it (no session yet, unparseable addresses).
        var dropped = 0
        var addresses = AddressCache(limit: 16)
        var pendingFlush = false

        init(clock: any MonotonicClock, audioBatch: Duration, continuation: AsyncStream<MediaEvent>.Continuation) {
            self.clock = clock
            self.audioBatch = audioBatch
            self.continuation = continuation
        }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let slot, let source = addresses.transportAddress(of: envelope.remoteAddress) else {
                dropped += 1
                return
            }
            let now = clock.now()
            slot.session.handleDatagram(Array(buffer: envelope.data), from: source, now: now)
            if slot.drain(now: now, send: send) { pendingFlush = true }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            flushIfNeeded()
        }

        func send(_ t: Transmit) {
            guard let context, let address = addresses.socketAddress(of: t.destination) else { return }
            let buffer = context.channel.allocator.buffer(bytes: t.bytes)
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
        }

        func flushIfNeeded() {
            guard pendingFlush else { return }
            pendingFlush = false
            context?.flush()
        }

        func channelInactive(context: ChannelHandlerContext) {
            slot?.finish(reason: .transportClosed)
            self.context = nil
        }

        /// Runs `body` against the session, then writes what it produced.
        func withSession(_ body: (Session, Instant) -> Void) {
            guard let slot else { return }
            let now = clock.now()
            body(slot.session, now)
            if slot.drain(now: now, send: send) { pendingFlush = true }
            flushIfNeeded()
        }

        /// The shared tick of this event loop: wakes the session when its deadline has come.
        func tick(now: Instant) -> Bool {
            guard let slot, context != nil, !slot.finished else { return false }
            if slot.tick(now: now, send: send) { pendingFlush = true }
            flushIfNeeded()
            return !slot.finished
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
                            audioBatch: Duration = .milliseconds(60),
                            makeSession: @escaping @Sendable (TransportAddress) throws -> Session) async throws
        -> UDPMediaSocket<Session> {
        let socket = try await openUnbound(ip: ip, ports: ports, group: group, clock: clock, audioBatch: audioBatch)
        do {
            try await socket.install(tick: tick, clock: clock, makeSession: makeSession)
        } catch {
            await socket.close()
            throw error
        }
        return socket
    }

    /// Binds a socket without a session yet: a call we place names the socket's port in its offer
    /// before the answer says how the session must be set up. Datagrams before `install` are dropped.
    public static func openUnbound(ip: String, ports: ClosedRange<Int>,
                                   group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                                   clock: any MonotonicClock = SystemMonotonicClock(),
                                   audioBatch: Duration = .milliseconds(60)) async throws -> UDPMediaSocket<Session> {
        guard IPAddress(ip) != nil else { throw MediaTransportError.invalidAddress(ip) }
        let (events, continuation) = AsyncStream.makeStream(of: MediaEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let loop = group.next()
        let handler = try await loop.submit { NIOLoopBound(Handler(clock: clock, audioBatch: audioBatch, continuation: continuation),
                                                        eventLoop: loop) }.get()
        let channel = try await bind(ip: ip, ports: ports, loop: loop, handler: handler)
        guard let local = channel.localAddress.flatMap(TransportAddress.init) else {
            try? await channel.close()
            throw MediaTransportError.invalidAddress(ip)
        }
        return UDPMediaSocket(localAddress: local, events: events, channel: channel, handler: handler)
    }

    /// Builds the session on the socket's event loop with the bound address, sends its first output
    /// and puts it on the loop's tick. Once only: a second call throws `sessionAlreadyInstalled`.
    public func install(tick: TimeAmount = .milliseconds(2), clock: any MonotonicClock = SystemMonotonicClock(),
                        makeSession: @escaping @Sendable (TransportAddress) throws -> Session) async throws {
        let handler = self.handler, local = localAddress, loop = handler.eventLoop
        try await loop.submit {
            let h = handler.value
            guard h.slot == nil else { throw MediaTransportError.sessionAlreadyInstalled }
            h.slot = SessionSlot(session: try makeSession(local), clock: clock, audioBatch: h.audioBatch,
                                 continuation: h.continuation)
            h.withSession { _, _ in }  // the first ICE checks go out now; the tick knows the deadline
            LoopTicker.on(loop, interval: tick, clock: clock).add(handler.value)
        }.get()
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
                    // One datagram per readiness event: a call's socket rarely holds two, so reading
                    // on until EAGAIN would cost a second, empty recvmsg for nearly every packet.
                    .channelOption(.maxMessagesPerRead, value: 1)
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

    /// Whether caller `audio` events are handed over (on at first); see `CallMediaChannel`.
    public func setAudioWanted(_ wanted: Bool) {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.slot?.setAudioWanted(wanted) }
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
        return try? await handler.eventLoop.submit { handler.value.slot.map { body($0.session) } }.get()
    }

    /// Closes the socket. Call after the session has sent what it needs to (e.g. DTLS close_notify).
    public func close() async {
        try? await channel.close()
    }
}
