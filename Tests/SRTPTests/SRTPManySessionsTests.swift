import Testing
@testable import SRTP

/// libsrtp2's cryptography is set up once per process for many live sessions (NSS's large tables, not
/// the space-optimised ones libsrtp2 would pick), and many sessions alive at once keep their keys apart.
@Suite struct SRTPManySessionsTests {
    @Test func nssIsInitialisedForManySessionsBeforeLibsrtp() throws {
        _ = try SRTPSessionTests.pair(.aeadAes128Gcm)
        #expect(SRTPSession.cryptoInitialisation == .nssForManySessions)
    }

    @Test(arguments: SRTPProfile.allCases) func manyLiveSessionsEachKeepTheirOwnKeys(profile: SRTPProfile) throws {
        let calls = 300
        var pairs: [(out: SRTPSession, inbound: SRTPSession)] = []
        for call in 0..<calls {
            let key = (0..<profile.keyLength).map { UInt8(truncatingIfNeeded: $0 &+ call &* 7) }
            let salt = (0..<profile.saltLength).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ call) }
            pairs.append((try SRTPSession(profile: profile, key: key, salt: salt, direction: .outbound),
                          try SRTPSession(profile: profile, key: key, salt: salt, direction: .inbound)))
        }
        for (call, pair) in pairs.enumerated() {
            let plain = rtpPacket(seq: UInt16(call), ssrc: 0x7000_0000 | UInt32(call), payload: Array(repeating: 0x5A, count: 80))
            let protected = try pair.out.protectRTP(plain)
            #expect(try pair.inbound.unprotectRTP(protected) == plain)
            // The next call's receiver holds other keys: it must refuse this packet.
            let other = pairs[(call + 1) % calls].inbound
            #expect(throws: SRTPError.self) { try other.unprotectRTP(protected) }
        }
    }
}
