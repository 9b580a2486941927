import Testing
@testable import SRTP

@Suite struct SRTPKeyingMaterialTests {
    @Test(arguments: SRTPProfile.allCases) func splitsClientAndServerHalves(profile: SRTPProfile) throws {
        let exported = (0..<profile.keyingMaterialLength).map { UInt8($0) }
        let k = profile.keyLength, s = profile.saltLength
        let client = try SRTPKeyingMaterial(exported: exported, profile: profile, isClient: true)
        #expect(client.localKey == Array(exported[0..<k]))
        #expect(client.remoteKey == Array(exported[k..<2 * k]))
        #expect(client.localSalt == Array(exported[2 * k..<2 * k + s]))
        #expect(client.remoteSalt == Array(exported[2 * k + s..<2 * k + 2 * s]))
        let server = try SRTPKeyingMaterial(exported: exported, profile: profile, isClient: false)
        #expect(server.localKey == client.remoteKey && server.localSalt == client.remoteSalt)
        // What the client sends, the server's inbound session reads, and the other way round.
        let plain = rtpPacket(seq: 10, ssrc: 77, payload: [9, 8, 7])
        #expect(try server.makeInboundSession().unprotectRTP(client.makeOutboundSession().protectRTP(plain)) == plain)
        #expect(try client.makeInboundSession().unprotectRTP(server.makeOutboundSession().protectRTP(plain)) == plain)
    }

    @Test func wrongLengthIsRejected() {
        #expect(errorText { try SRTPKeyingMaterial(exported: [1, 2, 3], profile: .aes128CmSha1_80, isClient: true) }
                == "SRTP keying material for SRTP_AES128_CM_SHA1_80 is 3 bytes, expected 60")
    }
}
