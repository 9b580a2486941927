import FuzzSupport
import DTLS
import Wire

/// DTLS records on the media socket: record splitting, the protected-record floor (records shorter than the
/// suite's overhead never reach OpenSSL: `DTLSProtectedRecordFloor`), and OpenSSL's own record and handshake
/// parsing, through `DTLSEndpoint.handleDatagram`.
///
/// Input: a mode byte, then datagrams (a direction byte and a 16-bit length each).
/// - mode 0: garbage into an established association (one pair, handshaken once and kept across inputs).
///   Invariant: nobody without the keys can end it: both sides stay connected, whatever the records say.
/// - mode 1: datagrams into a fresh server (ClientHello parsing); mode 2: into a fresh client after its
///   ClientHello (server flight parsing). Invariant: the endpoint either waits, connects, or fails with a
///   reason; everything it sends is whole DTLS records.
enum DTLSFuzz {
    static let now = Instant(nanoseconds: 10_000_000_000)

    static func run(_ bytes: [UInt8]) {
        var input = FuzzReader(bytes)
        switch input.byte() % 3 {
        case 0: established(&input)
        case 1: fresh(role: .server, &input)
        default: fresh(role: .client, &input)
        }
    }

    static func established(_ input: inout FuzzReader) {
        guard let pair = EstablishedPair.shared else {
            require(false, "the in-memory DTLS handshake did not complete")
            return
        }
        var datagrams = 0
        while !input.isAtEnd && datagrams < 32 {
            datagrams += 1
            let toClient = input.byte() & 1 == 1
            let datagram = input.longChunk()
            (toClient ? pair.client : pair.server).handleDatagram(datagram, now: now)
            pair.pump()
            require(pair.client.state == .connected && pair.server.state == .connected,
                    "unauthenticated datagram ended the association: client \(pair.client.state), server \(pair.server.state), events \(pair.events)")
        }
    }

    static func fresh(role: DTLSRole, _ input: inout FuzzReader) {
        guard let certificate = EstablishedPair.certificates?.0,
              let endpoint = try? DTLSEndpoint(role: role, certificate: certificate,
                                               remoteFingerprint: [UInt8](repeating: 0xAB, count: 32)) else {
            require(false, "cannot create a DTLS endpoint")
            return
        }
        endpoint.start(now: now)
        var datagrams = 0
        while !input.isAtEnd && datagrams < 16 {
            datagrams += 1
            _ = input.byte()
            endpoint.handleDatagram(input.longChunk(), now: now)
            while let out = endpoint.pollTransmit() {
                require((try? DTLSRecord.split(out)) != nil, "the endpoint sent a datagram that is not whole records")
            }
            while let event = endpoint.pollEvent() {
                if case let .failed(reason) = event { require(!reason.isEmpty, "failed without a reason") }
            }
        }
    }
}

/// A client and a server that completed the handshake in memory, reused by every mode-0 input (a handshake
/// per input would cost more than the records under test).
final class EstablishedPair: @unchecked Sendable {
    static let certificates: (DTLSCertificate, DTLSCertificate)? = {
        guard let a = try? DTLSCertificate(commonName: "fuzz-client"),
              let b = try? DTLSCertificate(commonName: "fuzz-server") else { return nil }
        return (a, b)
    }()
    static let shared: EstablishedPair? = EstablishedPair()

    let client: DTLSEndpoint
    let server: DTLSEndpoint
    private(set) var events: [DTLSEvent] = []

    private init?() {
        guard let (a, b) = Self.certificates,
              let client = try? DTLSEndpoint(role: .client, certificate: a, remoteFingerprint: b.fingerprint),
              let server = try? DTLSEndpoint(role: .server, certificate: b, remoteFingerprint: a.fingerprint) else {
            return nil
        }
        self.client = client
        self.server = server
        server.start(now: DTLSFuzz.now)
        client.start(now: DTLSFuzz.now)
        pump()
        guard client.state == .connected, server.state == .connected else { return nil }
    }

    /// Delivers what each side sends to the other until both are quiet.
    func pump() {
        for _ in 0..<100 {
            var moved = false
            while let d = client.pollTransmit() { moved = true; server.handleDatagram(d, now: DTLSFuzz.now) }
            while let d = server.pollTransmit() { moved = true; client.handleDatagram(d, now: DTLSFuzz.now) }
            while let e = client.pollEvent() { events.append(e) }
            while let e = server.pollEvent() { events.append(e) }
            if events.count > 8 { events.removeFirst(events.count - 8) }
            if !moved { return }
        }
    }
}
