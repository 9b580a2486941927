import ICE
import STUN
import Wire

func at(ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }
func addr(_ host: String, _ port: Int) -> TransportAddress { TransportAddress(host: host, port: port)! }

let aCreds = ICECredentials(ufrag: "aUfr", password: "aPassword0123456789abc")
let bCreds = ICECredentials(ufrag: "bUfr", password: "bPassword0123456789xyz")

/// A participant on the simulated network: a full ICE agent or a scripted responder.
protocol Endpoint {
    var address: TransportAddress { get }
    mutating func receive(_ bytes: [UInt8], from: TransportAddress, now: Instant)
    mutating func timeout(now: Instant)
    mutating func drainTransmits() -> [ICETransmit]
    func deadline() -> Instant?
}

struct AgentEndpoint: Endpoint {
    var agent: ICEAgent
    /// Where the network sees this endpoint; change it mid-run to move the endpoint (a NAT rebinding).
    var address: TransportAddress
    var events: [ICEEvent] = []
    var eventTimes: [Instant] = []
    var dropped: [ICEError] = []

    mutating func receive(_ bytes: [UInt8], from: TransportAddress, now: Instant) {
        do { try agent.handleReceive(bytes, from: from, now: now) } catch { dropped.append(error) }
        drainEvents(now)
    }
    mutating func timeout(now: Instant) {
        agent.handleTimeout(now: now)
        drainEvents(now)
    }
    mutating func drainEvents(_ now: Instant) {
        while let e = agent.pollEvent() {
            events.append(e)
            eventTimes.append(now)
        }
    }
    mutating func drainTransmits() -> [ICETransmit] {
        var out: [ICETransmit] = []
        while let t = agent.pollTransmit() { out.append(t) }
        return out
    }
    func deadline() -> Instant? { agent.nextDeadline() }
}

/// A minimal ice-lite peer: answers Binding requests with a success response keyed with its password.
/// It does not send checks. `verifyRequests` makes it answer 401 to checks with a bad MESSAGE-INTEGRITY.
struct LiteResponder: Endpoint {
    let address: TransportAddress
    let password: String
    var verifyRequests = true
    var answering = true
    var requests: [(message: STUNMessage, at: Instant)] = []
    var pending: [ICETransmit] = []

    init(address: TransportAddress, password: String) {
        self.address = address
        self.password = password
    }

    mutating func receive(_ bytes: [UInt8], from: TransportAddress, now: Instant) {
        guard let request = try? STUNMessage.decode(bytes), request.messageClass == .request else { return }
        requests.append((request, now))
        guard answering else { return }
        var attributes: [STUNAttribute] = [.xorMappedAddress(from)]
        var key: [UInt8]? = Array(password.utf8)
        if verifyRequests, (try? request.verifyIntegrity(key: Array(password.utf8))) == nil {
            attributes = [.errorCode(.unauthorized)]
            key = nil
        }
        let cls: STUNMessageClass = key == nil ? .errorResponse : .successResponse
        let response = STUNMessage(cls, transactionID: request.transactionID, attributes: attributes)
        if let out = try? response.encode(integrityKey: key, fingerprint: true) {
            pending.append(ICETransmit(bytes: out, destination: from, source: address))
        }
    }
    mutating func timeout(now: Instant) {}
    mutating func drainTransmits() -> [ICETransmit] {
        defer { pending = [] }
        return pending
    }
    func deadline() -> Instant? { nil }
}

/// Two endpoints on an in-memory network with zero latency and manual time.
struct Network<A: Endpoint, B: Endpoint> {
    var a: A
    var b: B
    var now: Instant
    /// Return false to drop a datagram (called with a running count of datagrams sent by that side).
    var dropFromA: (Int, [UInt8]) -> Bool = { _, _ in false }
    var dropFromB: (Int, [UInt8]) -> Bool = { _, _ in false }
    /// Deliver each batch in reverse order.
    var reorder = false
    var sentByA = 0
    var sentByB = 0
    var delivered: [(from: TransportAddress, to: TransportAddress, bytes: [UInt8], at: Instant)] = []

    init(_ a: A, _ b: B, now: Instant = at(ms: 0)) {
        self.a = a
        self.b = b
        self.now = now
    }

    mutating func deliver() {
        for _ in 0..<1000 {
            var batchA = a.drainTransmits(), batchB = b.drainTransmits()
            if batchA.isEmpty, batchB.isEmpty { return }
            if reorder { batchA.reverse(); batchB.reverse() }
            for t in batchA {
                sentByA += 1
                if dropFromA(sentByA, t.bytes) || t.destination != b.address { continue }
                delivered.append((a.address, b.address, t.bytes, now))
                b.receive(t.bytes, from: a.address, now: now)
            }
            for t in batchB {
                sentByB += 1
                if dropFromB(sentByB, t.bytes) || t.destination != a.address { continue }
                delivered.append((b.address, a.address, t.bytes, now))
                a.receive(t.bytes, from: b.address, now: now)
            }
        }
    }

    /// Runs the network until `duration` of manual time has passed.
    mutating func run(for duration: Duration) {
        let end = now + duration
        deliver()
        while true {
            let next = [a.deadline(), b.deadline()].compactMap { $0 }.min()
            guard let next, next <= end else { break }
            now = max(now, next)
            a.timeout(now: now)
            b.timeout(now: now)
            deliver()
        }
        now = end
    }
}

func makeAgent(_ role: ICERole, local: ICECredentials, remote: ICECredentials, lite: Bool = false,
               address: TransportAddress, tieBreaker: UInt64, seed: UInt64 = 1, now: Instant = at(ms: 0),
               config: ICEConfig = ICEConfig()) -> ICEAgent {
    ICEAgent(role: role, local: local, remote: remote, remoteIsLite: lite, localAddress: address,
             tieBreaker: tieBreaker, now: now, config: config, random: SplitMix64(seed: seed))
}

/// Decodes datagrams that are STUN requests.
func requests(in packets: [(from: TransportAddress, to: TransportAddress, bytes: [UInt8], at: Instant)],
              from source: TransportAddress) -> [(message: STUNMessage, at: Instant)] {
    packets.compactMap { p in
        guard p.from == source, let m = try? STUNMessage.decode(p.bytes), m.messageClass == .request else { return nil }
        return (m, p.at)
    }
}
