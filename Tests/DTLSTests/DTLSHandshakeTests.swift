import DTLS
import SRTP
import Testing
import Wire

@Suite("DTLS handshake and exported keys")
struct DTLSHandshakeTests {
    @Test("client and server complete the handshake and export mirrored keys", arguments: SRTPProfile.allCases)
    func handshakeExportsMatchingKeys(profile: SRTPProfile) throws {
        let pair = try DTLSPair(clientProfiles: [profile])
        pair.start()
        #expect(pair.bothConnected)
        let client = try #require(pair.clientKeys)
        let server = try #require(pair.serverKeys)
        #expect(client.profile == profile)
        #expect(server.profile == profile)
        #expect(client.localKey == server.remoteKey)
        #expect(client.localSalt == server.remoteSalt)
        #expect(client.remoteKey == server.localKey)
        #expect(client.remoteSalt == server.localSalt)
        #expect(client.localKey != client.remoteKey)
        #expect(client.localKey.count == 16)
        #expect(client.localSalt.count == profile.saltLength)
        #expect(client.remoteSalt.count == profile.saltLength)
        #expect(pair.client.keyingMaterial == client)
        #expect(pair.server.keyingMaterial == server)
        #expect(pair.clientEvents.count == 1)
        #expect(pair.serverEvents.count == 1)
    }

    @Test("the client's first choice wins when the server supports it")
    func clientPreferenceWins() throws {
        let gcmFirst = try DTLSPair(clientProfiles: [.aeadAes128Gcm, .aes128CmSha1_80],
                                    serverProfiles: [.aes128CmSha1_80, .aeadAes128Gcm])
        gcmFirst.start()
        #expect(gcmFirst.clientKeys?.profile == .aeadAes128Gcm)
        #expect(gcmFirst.serverKeys?.profile == .aeadAes128Gcm)

        let cmFirst = try DTLSPair(clientProfiles: [.aes128CmSha1_80, .aeadAes128Gcm],
                                   serverProfiles: [.aeadAes128Gcm, .aes128CmSha1_80])
        cmFirst.start()
        #expect(cmFirst.clientKeys?.profile == .aes128CmSha1_80)
        #expect(cmFirst.serverKeys?.profile == .aes128CmSha1_80)
    }

    @Test("the profile is the intersection when the client's first choice is unsupported")
    func intersection() throws {
        let pair = try DTLSPair(clientProfiles: [.aeadAes128Gcm, .aes128CmSha1_80], serverProfiles: [.aes128CmSha1_80])
        pair.start()
        #expect(pair.clientKeys?.profile == .aes128CmSha1_80)
        #expect(pair.serverKeys?.profile == .aes128CmSha1_80)
    }

    @Test("no shared SRTP profile fails both sides with a precise reason")
    func noSharedProfile() throws {
        let pair = try DTLSPair(clientProfiles: [.aeadAes128Gcm], serverProfiles: [.aes128CmSha1_80])
        pair.start()
        #expect(pair.client.state == .failed)
        #expect(pair.clientEvents == [.failed(reason: DTLSError.noSelectedProfile(name: nil).description)])
        #expect(pair.server.state == .failed)
        #expect(pair.serverEvents == [.failed(reason: DTLSError.noSelectedProfile(name: nil).description)])
    }

    @Test("the ClientHello is queued by start and the server stays silent until it arrives")
    func startStates() throws {
        let pair = try DTLSPair()
        #expect(pair.client.state == .idle)
        pair.server.start(now: pair.now)
        #expect(pair.server.pollTransmit() == nil)
        #expect(pair.server.nextDeadline() == nil)
        pair.client.start(now: pair.now)
        #expect(pair.client.state == .handshaking)
        let hello = try #require(pair.client.pollTransmit())
        #expect(DTLSPair.handshakeTypes(hello) == [1])
        #expect(pair.client.pollTransmit() == nil)
        // The ClientHello's retransmission timer runs on the default 1 s.
        let deadline = try #require(pair.client.nextDeadline())
        #expect(deadline > pair.now)
        #expect(deadline <= pair.now + .seconds(1))
    }

    @Test("no datagram exceeds the MTU, and small MTUs fragment the flights", arguments: [1200, 400, 256])
    func datagramsFitTheMTU(mtu: Int) throws {
        let pair = try DTLSPair(mtu: mtu)
        pair.start()
        #expect(pair.bothConnected)
        let all = pair.sentByClient + pair.sentByServer
        #expect(!all.isEmpty)
        for datagram in all {
            #expect(datagram.count <= mtu)
            #expect(try DTLSRecord.split(datagram).count >= 1)
        }
        if mtu == 256 {
            // The certificate flight cannot fit one 256-byte datagram.
            #expect(pair.sentByServer.count > 2)
        }
    }

    @Test("the deadline disappears once both sides are connected")
    func noTimerAfterHandshake() throws {
        let pair = try DTLSPair()
        pair.start()
        #expect(pair.bothConnected)
        #expect(pair.client.nextDeadline() == nil)
        #expect(pair.server.nextDeadline() == nil)
    }

    @Test("invalid configuration is rejected with precise errors")
    func invalidConfiguration() {
        let certificate = DTLSPair.certificateA
        #expect(throws: DTLSError.invalidFingerprintLength(actual: 20)) {
            try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: [UInt8](repeating: 1, count: 20))
        }
        #expect(throws: DTLSError.noProfiles) {
            try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: certificate.fingerprint,
                             profiles: [])
        }
        #expect(throws: DTLSError.mtuOutOfRange(mtu: 100, minimum: 256, maximum: 65_507)) {
            try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: certificate.fingerprint,
                             mtu: 100)
        }
        #expect(throws: DTLSError.retransmitTimeoutOutOfRange(milliseconds: 10, minimum: 50, maximum: 60_000)) {
            try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: certificate.fingerprint,
                             initialRetransmitTimeout: .milliseconds(10))
        }
        #expect(DTLSError.mtuOutOfRange(mtu: 100, minimum: 256, maximum: 65_507).description
            == "DTLS MTU 100 out of range, expected 256...65507")
        #expect(DTLSError.invalidFingerprintLength(actual: 20).description
            == "remote fingerprint has 20 bytes, expected 32 (sha-256)")
    }
}
