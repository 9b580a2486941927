import DTLS
import Foundation
import Glibc
import SRTP
import Testing
import Wire

/// Our endpoints against `openssl s_server` / `s_client` over real UDP on loopback (real clock): the
/// handshake completes (s_server requires our certificate; our server requires s_client's), each peer
/// certificate matches its fingerprint, and the keying material the CLI prints equals ours laid out as
/// client key | server key | client salt | server salt. An independent check of label, length and layout.
// Needs the openssl command-line tool, which `make test` installs (.ci/deps.sh).
@Suite("Interop with openssl s_server and s_client", .serialized)
struct DTLSInteropTests {
    @Test("keys exported by our client equal s_server's", arguments: SRTPProfile.allCases)
    func clientAgainstSServer(profile: SRTPProfile) throws {
        let peer = try PeerFiles(name: "server-\(profile)")
        defer { peer.remove() }
        let key = peer.key, cert = peer.cert
        let serverFingerprint = peer.fingerprint

        let socket = try UDPSocket()
        let port = try UDPSocket.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        server.arguments = ["20", "/usr/bin/openssl", "s_server", "-dtls1_2", "-accept", "127.0.0.1:\(port)",
                            "-cert", cert, "-key", key, "-Verify", "1", "-use_srtp", profile.openSSLName,
                            "-keymatexport", "EXTRACTOR-dtls_srtp",
                            "-keymatexportlen", "\(profile.keyingMaterialLength)"]
        let input = Pipe(), output = Pipe()
        server.standardInput = input
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        try socket.connect(port: port)

        let clock = SystemMonotonicClock()
        let endpoint = try DTLSEndpoint(role: .client, certificate: DTLSPair.certificateA,
                                        remoteFingerprint: serverFingerprint, profiles: [profile],
                                        initialRetransmitTimeout: .milliseconds(100))
        endpoint.start(now: clock.now())
        var events: [DTLSEvent] = []
        let giveUp = clock.now() + .seconds(10)
        while events.isEmpty && clock.now() < giveUp {
            while let datagram = endpoint.pollTransmit() { socket.send(datagram) }
            if let datagram = socket.receive(timeoutMilliseconds: 20) {
                endpoint.handleDatagram(datagram, now: clock.now())
            }
            if let deadline = endpoint.nextDeadline(), clock.now() >= deadline {
                endpoint.handleTimeout(now: clock.now())
            }
            while let event = endpoint.pollEvent() { events.append(event) }
        }
        while let datagram = endpoint.pollTransmit() { socket.send(datagram) }
        let material = try #require(Self.keys(events), "events: \(events)")
        #expect(material.profile == profile)

        // Closing s_server's stdin makes it print its summary and exit.
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        server.waitUntilExit()
        #expect(printed.contains("SRTP Extension negotiated, profile=\(profile.openSSLName)"))
        let line = try #require(printed.split(whereSeparator: \.isNewline).first { $0.contains("Keying material:") })
        let hex = try #require(line.split(separator: ":").last).trimmingCharacters(in: .whitespaces)
        let ours = material.localKey + material.remoteKey + material.localSalt + material.remoteSalt
        #expect(hex == ours.map { String(format: "%02X", $0) }.joined())
    }

    @Test("keys exported by our server equal s_client's", arguments: SRTPProfile.allCases)
    func serverAgainstSClient(profile: SRTPProfile) throws {
        let peer = try PeerFiles(name: "client-\(profile)")
        defer { peer.remove() }
        let socket = try UDPSocket()
        let port = try socket.bindLoopback()
        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        client.arguments = ["20", "/usr/bin/openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:\(port)",
                            "-cert", peer.cert, "-key", peer.key, "-use_srtp", profile.openSSLName,
                            "-keymatexport", "EXTRACTOR-dtls_srtp",
                            "-keymatexportlen", "\(profile.keyingMaterialLength)"]
        let input = Pipe(), output = Pipe()
        client.standardInput = input
        client.standardOutput = output
        client.standardError = FileHandle.nullDevice
        try client.run()
        defer { if client.isRunning { client.terminate() } }

        let clock = SystemMonotonicClock()
        let endpoint = try DTLSEndpoint(role: .server, certificate: DTLSPair.certificateB,
                                        remoteFingerprint: peer.fingerprint, profiles: [profile],
                                        initialRetransmitTimeout: .milliseconds(100))
        endpoint.start(now: clock.now())
        var events: [DTLSEvent] = []
        var connected = false
        let giveUp = clock.now() + .seconds(10)
        while events.isEmpty && clock.now() < giveUp {
            while let datagram = endpoint.pollTransmit() { socket.send(datagram) }
            if let (datagram, from) = socket.receiveFrom(timeoutMilliseconds: 20) {
                if !connected {
                    try socket.connect(port: from)
                    connected = true
                }
                endpoint.handleDatagram(datagram, now: clock.now())
            }
            if let deadline = endpoint.nextDeadline(), clock.now() >= deadline {
                endpoint.handleTimeout(now: clock.now())
            }
            while let event = endpoint.pollEvent() { events.append(event) }
        }
        while let datagram = endpoint.pollTransmit() { socket.send(datagram) }
        let material = try #require(Self.keys(events), "events: \(events)")
        #expect(material.profile == profile)

        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        let line = try #require(printed.split(whereSeparator: \.isNewline).first { $0.contains("Keying material:") })
        let hex = try #require(line.split(separator: ":").last).trimmingCharacters(in: .whitespaces)
        // As the server, local is the server half: client key | server key | client salt | server salt.
        let layout = material.remoteKey + material.localKey + material.remoteSalt + material.localSalt
        #expect(hex == layout.map { String(format: "%02X", $0) }.joined())
    }

    static func keys(_ events: [DTLSEvent]) -> SRTPKeyingMaterial? {
        for case let .connected(material) in events { return material }
        return nil
    }

    static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
