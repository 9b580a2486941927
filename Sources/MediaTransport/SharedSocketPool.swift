import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Wire

/// The media ports (`IVR_MEDIA_PORTS`) dealt to the event loops: port i of the range belongs to loop
/// i mod L. A loop's first port is bound when its first call arrives; a further port only when every
/// bound port of that loop already carries a call from one of the new call's remote addresses (two calls
/// from one remote address cannot share a socket). Normally, then, media uses one port per event loop.
final class SharedSocketPool: Sendable {
    let ip: String
    let ports: ClosedRange<Int>
    let loops: [any EventLoop]
    let clock: any MonotonicClock
    let tick: TimeAmount
    let vectorReadCount: Int
    private let sockets = NIOLockedValueBox<[Int: Task<SharedMediaSocket, any Error>]>([:])
    private let nextCallID = NIOLockedValueBox(0)

    init(ip: String, ports: ClosedRange<Int>, group: any EventLoopGroup, clock: any MonotonicClock,
         tick: TimeAmount = .milliseconds(2), vectorReadCount: Int = 64) {
        self.ip = ip
        self.ports = ports
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        self.loops = loops
        self.clock = clock
        self.tick = tick
        self.vectorReadCount = vectorReadCount
    }

    /// Places a call: on the least loaded loop that has a port without a conflicting call, building the
    /// session there with the socket's address. Throws `noFreePort` when no port can take it.
    func place(ufrag: String, password: String, remoteCandidates: [TransportAddress], audioBatch: Duration,
               makeSession: @escaping @Sendable (TransportAddress) throws -> CallSession) async throws -> SharedSocketCall {
        let id = nextCallID.withLockedValue { $0 += 1; return $0 }
        var lastError = "the range is empty"
        for loopIndex in await loopsByLoad() {
            for portIndex in stride(from: loopIndex, to: ports.count, by: loops.count) {
                let socket: SharedMediaSocket
                do {
                    socket = try await self.socket(portIndex)
                } catch {
                    lastError = "\(error)"
                    continue
                }
                switch try await add(to: socket, id: id, ufrag: ufrag, password: password,
                                     remoteCandidates: remoteCandidates, audioBatch: audioBatch, makeSession: makeSession) {
                case let .success(call): return call
                case let .failure(conflict): lastError = conflict.description
                }
            }
        }
        throw MediaTransportError.noFreePort(address: ip, range: ports, lastError: lastError)
    }

    /// The socket a call we place names in its offer, before the answer brings the remote candidates:
    /// the first port of the least loaded loop that binds.
    func socketForOffer() async throws -> SharedMediaSocket {
        var lastError = "the range is empty"
        for loopIndex in await loopsByLoad() {
            for portIndex in stride(from: loopIndex, to: ports.count, by: loops.count) {
                do {
                    return try await socket(portIndex)
                } catch {
                    lastError = "\(error)"
                }
            }
        }
        throw MediaTransportError.noFreePort(address: ip, range: ports, lastError: lastError)
    }

    /// Places a call we placed on the socket its offer named, once the answer gave its candidates.
    /// Throws `noFreePort` when a remote candidate already has a call on that socket.
    func place(on socket: SharedMediaSocket, ufrag: String, password: String, remoteCandidates: [TransportAddress],
               audioBatch: Duration, makeSession: @escaping @Sendable (TransportAddress) throws -> CallSession)
        async throws -> SharedSocketCall {
        let id = nextCallID.withLockedValue { $0 += 1; return $0 }
        switch try await add(to: socket, id: id, ufrag: ufrag, password: password, remoteCandidates: remoteCandidates,
                             audioBatch: audioBatch, makeSession: makeSession) {
        case let .success(call): return call
        case let .failure(conflict):
            let port = Int(socket.localAddress.port)
            throw MediaTransportError.noFreePort(address: ip, range: port...port, lastError: conflict.description)
        }
    }

    /// Why a socket cannot take a call.
    struct Conflict: Error, CustomStringConvertible {
        let description: String
    }

    /// Builds the session on the socket's loop and adds it there, unless its ufrag or a remote
    /// candidate is taken on that socket.
    private func add(to socket: SharedMediaSocket, id: Int, ufrag: String, password: String,
                     remoteCandidates: [TransportAddress], audioBatch: Duration,
                     makeSession: @escaping @Sendable (TransportAddress) throws -> CallSession)
        async throws -> Result<SharedSocketCall, Conflict> {
        let (events, continuation) = AsyncStream.makeStream(of: MediaEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let handler = socket.handler, local = socket.localAddress
        let conflict: SharedPortDemultiplexer<Int>.AddError? = try await socket.loop.submit { () throws -> SharedPortDemultiplexer<Int>.AddError? in
            let session = try makeSession(local)
            return handler.value.add(id: id, ufrag: ufrag, password: password,
                                     remoteCandidates: remoteCandidates, session: session,
                                     audioBatch: audioBatch, continuation: continuation)
        }.get()
        switch conflict {
        case nil:
            socket.calls.withLockedValue { $0 += 1 }
            return .success(SharedSocketCall(socket: socket, id: id, events: events))
        case let .remoteAddressInUse(address)?:
            return .failure(Conflict(description: "every port already carries a call from \(address)"))
        case let .ufragInUse(ufrag)?:
            return .failure(Conflict(description: "ICE ufrag \(ufrag) in use"))
        }
    }

    /// Loop indices, fewest calls first (ties: lowest index), over the loops that own a port.
    private func loopsByLoad() async -> [Int] {
        let bound = sockets.withLockedValue { $0 }
        var load = Array(repeating: 0, count: loops.count)
        for (portIndex, task) in bound {
            if let socket = try? await task.value { load[portIndex % loops.count] += socket.calls.withLockedValue { $0 } }
        }
        return (0..<min(loops.count, ports.count)).sorted { (load[$0], $0) < (load[$1], $1) }
    }

    /// The socket of the port at `portIndex`, bound on first use. A failed bind is forgotten, so a
    /// later call tries the port again.
    private func socket(_ portIndex: Int) async throws -> SharedMediaSocket {
        let task = sockets.withLockedValue { all -> Task<SharedMediaSocket, any Error> in
            if let existing = all[portIndex] { return existing }
            let ip = self.ip, port = ports.lowerBound + portIndex, loop = loops[portIndex % loops.count]
            let clock = self.clock, tick = self.tick, count = vectorReadCount
            let task = Task {
                try await SharedMediaSocket.bind(ip: ip, port: port, loop: loop, clock: clock, tick: tick,
                                                 vectorReadCount: count)
            }
            all[portIndex] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            sockets.withLockedValue { all in all[portIndex] = nil }
            throw error
        }
    }

    /// The transfer counters of every bound socket.
    func stats() async -> SharedSocketStats {
        var total = SharedSocketStats()
        for task in sockets.withLockedValue({ Array($0.values) }) {
            if let socket = try? await task.value { total = total + (await socket.stats()) }
        }
        return total
    }
}

/// One call's place on a shared socket: its events, and the way to its session on the socket's loop.
final class SharedSocketCall: Sendable {
    let socket: SharedMediaSocket
    let id: Int
    let events: AsyncStream<MediaEvent>
    private let released = NIOLockedValueBox(false)

    init(socket: SharedMediaSocket, id: Int, events: AsyncStream<MediaEvent>) {
        self.socket = socket
        self.id = id
        self.events = events
    }

    var localAddress: TransportAddress { socket.localAddress }

    func setAudioWanted(_ wanted: Bool) {
        let handler = socket.handler, id = self.id
        socket.loop.execute { handler.value.slots[id]?.setAudioWanted(wanted) }
    }

    /// Runs `body` on the loop with the session, then flushes its output.
    func withSession(_ body: @escaping @Sendable (CallSession, Instant) -> Void) {
        let handler = socket.handler, id = self.id
        socket.loop.execute { handler.value.withSession(id, body) }
    }

    /// As `withSession`, returning when done.
    func perform(_ body: @escaping @Sendable (CallSession, Instant) -> Void) async {
        let handler = socket.handler, id = self.id
        try? await socket.loop.submit { handler.value.withSession(id, body) }.get()
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (CallSession) -> T) async -> T? {
        let handler = socket.handler, id = self.id
        return try? await socket.loop.submit { handler.value.slots[id].map { body($0.session) } }.get()
    }

    /// Takes the call off the socket (after its session said goodbye); the socket stays for other calls.
    func release() async {
        guard released.withLockedValue({ was in defer { was = true }; return !was }) else { return }
        socket.calls.withLockedValue { $0 -= 1 }
        let handler = socket.handler, id = self.id
        try? await socket.loop.submit { handler.value.remove(id: id) }.get()
    }
}
