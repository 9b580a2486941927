import DTLS
import SRTP
import Wire

/// Two endpoints wired back to back in memory, on a manual clock, with a hook to drop datagrams.
final class DTLSPair {
    static let certificateA = try! DTLSCertificate(commonName: "client")
    static let certificateB = try! DTLSCertificate(commonName: "server")

    let client: DTLSEndpoint
    let server: DTLSEndpoint
    var now = Instant(nanoseconds: 5_000_000_000)
    private(set) var clientEvents: [DTLSEvent] = []
    private(set) var serverEvents: [DTLSEvent] = []
    /// Every datagram each side handed out, dropped or not, in order.
    private(set) var sentByClient: [[UInt8]] = []
    private(set) var sentByServer: [[UInt8]] = []
    /// Returns true to drop a datagram: (sender, index among that sender's datagrams, bytes).
    var drop: (DTLSRole, Int, [UInt8]) -> Bool = { _, _, _ in false }

    init(clientProfiles: [SRTPProfile] = [.aeadAes128Gcm, .aes128CmSha1_80],
         serverProfiles: [SRTPProfile] = [.aeadAes128Gcm, .aes128CmSha1_80],
         clientExpects: [UInt8]? = nil, serverExpects: [UInt8]? = nil,
         mtu: Int = 1200, retransmit: Duration = .seconds(1)) throws {
        client = try DTLSEndpoint(role: .client, certificate: Self.certificateA,
                                  remoteFingerprint: clientExpects ?? Self.certificateB.fingerprint,
                                  profiles: clientProfiles, mtu: mtu, initialRetransmitTimeout: retransmit)
        server = try DTLSEndpoint(role: .server, certificate: Self.certificateB,
                                  remoteFingerprint: serverExpects ?? Self.certificateA.fingerprint,
                                  profiles: serverProfiles, mtu: mtu, initialRetransmitTimeout: retransmit)
    }

    func start() {
        server.start(now: now)
        client.start(now: now)
        pump()
    }

    /// Moves datagrams both ways until neither side has anything left to send.
    func pump() {
        for _ in 0..<1000 {
            var moved = false
            while let datagram = client.pollTransmit() {
                moved = true
                sentByClient.append(datagram)
                if !drop(.client, sentByClient.count - 1, datagram) { server.handleDatagram(datagram, now: now) }
            }
            while let datagram = server.pollTransmit() {
                moved = true
                sentByServer.append(datagram)
                if !drop(.server, sentByServer.count - 1, datagram) { client.handleDatagram(datagram, now: now) }
            }
            collectEvents()
            if !moved { return }
        }
    }

    /// Advances the manual clock to the earliest deadline (or by `step`, whichever is later) and fires
    /// both endpoints' timers, then pumps.
    func fireTimers(step: Duration) {
        let deadlines = [client.nextDeadline(), server.nextDeadline()].compactMap { $0 }
        let target = now + step
        now = max(target, deadlines.min() ?? target)
        client.handleTimeout(now: now)
        server.handleTimeout(now: now)
        pump()
    }

    func collectEvents() {
        while let event = client.pollEvent() { clientEvents.append(event) }
        while let event = server.pollEvent() { serverEvents.append(event) }
    }

    /// The client closes; true when its close_notify reaches the server and the server reports `.closed`.
    func closeNotifyGetsThrough() -> Bool {
        client.close()
        guard let alert = client.pollTransmit() else { return false }
        server.handleDatagram(alert, now: now)
        collectEvents()
        return server.state == .closed && serverEvents.last == .closed
    }

    var bothConnected: Bool { client.state == .connected && server.state == .connected }

    var clientKeys: SRTPKeyingMaterial? { Self.keys(in: clientEvents) }
    var serverKeys: SRTPKeyingMaterial? { Self.keys(in: serverEvents) }

    static func keys(in events: [DTLSEvent]) -> SRTPKeyingMaterial? {
        for case let .connected(material) in events { return material }
        return nil
    }

    /// The handshake message types (epoch 0 handshake records only) inside one datagram.
    static func handshakeTypes(_ datagram: [UInt8]) -> [UInt8] {
        guard let records = try? DTLSRecord.split(datagram) else { return [] }
        return records.compactMap { record in
            let epoch = UInt16(record[3]) << 8 | UInt16(record[4])
            guard record[0] == 22, epoch == 0, record.count > 13 else { return nil }
            return record[13]
        }
    }
}
