import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Wire

/// One UDP socket on one event loop, carrying the media of every call placed on it. The
/// `SharedPortDemultiplexer` routes each datagram to its call's session; sessions, their timers and
/// their output all stay on this loop. Datagrams come in with `recvmmsg` (NIO vector reads), and what
/// one read burst or one tick produces for all calls is flushed once, so NIO sends it with `sendmmsg`.
final class SharedMediaSocket: Sendable {
    let localAddress: TransportAddress
    let loop: any EventLoop
    let channel: any Channel
    let handler: NIOLoopBound<Handler>
    /// Calls placed on this socket (read off the loop, to balance loops).
    let calls = NIOLockedValueBox(0)

    final class Handler: ChannelInboundHandler, LoopTicker.Client {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>

        let clock: any MonotonicClock
        let tickInterval: TimeAmount
        var demux = SharedPortDemultiplexer<Int>()
        var slots: [Int: SessionSlot<CallSession>] = [:]
        var context: ChannelHandlerContext?
        var addresses = AddressCache()
        var pendingFlush = false
        var ticking = false
        var stats = SharedSocketStats()

        init(clock: any MonotonicClock, tick: TimeAmount) {
            self.clock = clock
            self.tickInterval = tick
        }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            stats.datagramsIn += 1
            guard let source = addresses.transportAddress(of: envelope.remoteAddress) else {
                stats.unreadableSource += 1
                return
            }
            let now = clock.now()
            // Nearly every datagram: from a validated address, read in place from NIO's buffer.
            if let id = demux.routeValidated(from: source), let slot = slots[id] {
                envelope.data.withUnsafeReadableBytes { slot.session.handleDatagram($0, from: source, now: now) }
                drain(slot, id: id, now: now)
                return
            }
            let bytes = Array(buffer: envelope.data)
            guard case let .session(id, via) = demux.route(bytes, from: source, now: now), let slot = slots[id] else {
                return
            }
            slot.session.handleDatagram(bytes, from: source, now: now)
            if via != .address, slot.session.isValidatedRemote(source) { demux.validated(source, by: id) }
            drain(slot, id: id, now: now)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            stats.readBursts += 1
            flushIfNeeded()
        }

        func channelInactive(context: ChannelHandlerContext) {
            for (id, slot) in slots {
                slot.finish(reason: .transportClosed)
                demux.remove(id)
            }
            slots.removeAll()
            self.context = nil
        }

        private func drain(_ slot: SessionSlot<CallSession>, id: Int, now: Instant) {
            if slot.drain(now: now, send: { send($0, from: id, now: now) }) { pendingFlush = true }
        }

        private func send(_ t: Transmit, from id: Int, now: Instant) {
            guard let context, let address = addresses.socketAddress(of: t.destination) else { return }
            demux.sent(t.bytes, to: t.destination, by: id, now: now)
            let buffer = context.channel.allocator.buffer(bytes: t.bytes)
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
            stats.datagramsOut += 1
        }

        private func flushIfNeeded() {
            guard pendingFlush, let context else { return }
            pendingFlush = false
            stats.flushes += 1
            context.flush()
        }

        /// Places a session here; returns why not when its ufrag or a remote candidate is taken on this socket.
        func add(id: Int, ufrag: String, password: String, remoteCandidates: [TransportAddress],
                 session: CallSession, audioBatch: Duration, continuation: AsyncStream<MediaEvent>.Continuation)
            -> SharedPortDemultiplexer<Int>.AddError? {
            do {
                try demux.add(id, ufrag: ufrag, password: password, remoteCandidates: remoteCandidates)
            } catch {
                return error
            }
            let slot = SessionSlot(session: session, clock: clock, audioBatch: audioBatch, continuation: continuation)
            slots[id] = slot
            withSession(id) { _, _ in }  // the first ICE checks go out now; the tick knows the deadline
            if !ticking, let loop = context?.eventLoop {
                ticking = true
                LoopTicker.on(loop, interval: tickInterval, clock: clock).add(self)
            }
            return nil
        }

        func remove(id: Int) {
            demux.remove(id)
            slots.removeValue(forKey: id)?.finish(reason: .transportClosed)
        }

        /// Runs `body` against the call's session, then writes what it produced.
        func withSession(_ id: Int, _ body: (CallSession, Instant) -> Void) {
            guard let slot = slots[id] else { return }
            let now = clock.now()
            body(slot.session, now)
            drain(slot, id: id, now: now)
            flushIfNeeded()
        }

        /// The loop's tick: wakes every session whose deadline has come, then flushes once for all.
        func tick(now: Instant) -> Bool {
            guard context != nil else {
                ticking = false
                return false
            }
            var ended: [Int] = []
            for (id, slot) in slots {
                if slot.tick(now: now, send: { send($0, from: id, now: now) }) { pendingFlush = true }
                if slot.finished, !slot.detached {
                    slot.detached = true
                    ended.append(id)
                }
            }
            flushIfNeeded()
            // A session that ended by itself (ICE failed, peer closed) stops receiving at once; the slot
            // stays until its owner releases it, so the owner can still read the final counters.
            for id in ended { demux.remove(id) }
            if slots.isEmpty { ticking = false }
            return ticking
        }
    }

    private init(localAddress: TransportAddress, loop: any EventLoop, channel: any Channel, handler: NIOLoopBound<Handler>) {
        self.localAddress = localAddress
        self.loop = loop
        self.channel = channel
        self.handler = handler
    }

    /// Binds `ip:port` on `loop`.
    static func bind(ip: String, port: Int, loop: any EventLoop, clock: any MonotonicClock, tick: TimeAmount,
                     vectorReadCount: Int) async throws -> SharedMediaSocket {
        let handler = try await loop.submit { NIOLoopBound(Handler(clock: clock, tick: tick), eventLoop: loop) }.get()
        let count = max(1, vectorReadCount)
        let channel = try await DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 0)
            // One recvmmsg of up to `count` datagrams per readiness event: reading on until EAGAIN
            // would cost an extra, empty system call for most wake-ups.
            .channelOption(.datagramVectorReadMessageCount, value: count)
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * count))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
            .bind(host: ip, port: port).get()
        guard let local = channel.localAddress.flatMap(TransportAddress.init) else {
            try? await channel.close()
            throw MediaTransportError.invalidAddress(ip)
        }
        return SharedMediaSocket(localAddress: local, loop: loop, channel: channel, handler: handler)
    }

    /// The transfer counters, read on the loop.
    func stats() async -> SharedSocketStats {
        let handler = self.handler
        return (try? await loop.submit { handler.value.stats }.get()) ?? SharedSocketStats()
    }
}

/// What a shared socket moved: datagrams per read burst (`recvmmsg`) and per flush (`sendmmsg`).
public struct SharedSocketStats: Sendable, Equatable {
    public var datagramsIn = 0
    public var readBursts = 0
    public var datagramsOut = 0
    public var flushes = 0
    public var unreadableSource = 0

    public init() {}

    public static func + (a: SharedSocketStats, b: SharedSocketStats) -> SharedSocketStats {
        var s = a
        s.datagramsIn += b.datagramsIn
        s.readBursts += b.readBursts
        s.datagramsOut += b.datagramsOut
        s.flushes += b.flushes
        s.unreadableSource += b.unreadableSource
        return s
    }
}
