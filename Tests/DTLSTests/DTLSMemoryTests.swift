@testable import DTLS
import SRTP
import Testing

/// What a connected association keeps: no record buffers between datagrams, and one shared context.
@Suite("Memory a connected association keeps")
struct DTLSMemoryTests {
    @Test("a connected association gives its record buffers back, and still reads and closes")
    func recordBuffersReleased() throws {
        let pair = try DTLSPair()
        pair.start()
        #expect(pair.bothConnected)
        #expect(!pair.client.holdsRecordBuffers)
        #expect(!pair.server.holdsRecordBuffers)

        // A well-framed application-data record the server cannot decrypt: it takes the buffers back to
        // read it, drops it, and gives them back; the association carries on.
        var forged: [UInt8] = [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 40]
        forged += [UInt8](repeating: 0xA5, count: 40)
        pair.server.handleDatagram(forged, now: pair.now)
        pair.pump()
        #expect(pair.bothConnected)
        #expect(!pair.server.holdsRecordBuffers)
        #expect(pair.clientEvents.count == 1 && pair.serverEvents.count == 1)

        // close() needs a write buffer for close_notify; the server needs a read buffer to take it.
        #expect(pair.closeNotifyGetsThrough())
    }

    @Test("endpoints of one certificate share one context per list of profiles")
    func sharedContext() throws {
        let certificate = DTLSPair.certificateA
        let remote = DTLSPair.certificateB.fingerprint
        let first = try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: remote)
        let second = try DTLSEndpoint(role: .server, certificate: certificate, remoteFingerprint: remote)
        let other = try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: remote,
                                     profiles: [.aes128CmSha1_80])
        #expect(first.sslContext != nil)
        #expect(first.sslContext == second.sslContext)
        #expect(first.sslContext != other.sslContext)
    }

    @Test("each side of a shared context still offers and selects by its own profile order")
    func sharedContextKeepsPreferences() throws {
        // Built on the same two certificates as every other pair: the server's per-association profile
        // reordering must not leak into the context the next association is made from.
        let first = try DTLSPair(clientProfiles: [.aes128CmSha1_80, .aeadAes128Gcm])
        first.start()
        #expect(first.clientKeys?.profile == .aes128CmSha1_80)
        let second = try DTLSPair(clientProfiles: [.aeadAes128Gcm, .aes128CmSha1_80])
        second.start()
        #expect(second.clientKeys?.profile == .aeadAes128Gcm)
    }
}
