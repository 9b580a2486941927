import Testing
@testable import SRTP

/// RFC 3711 appendix B, checked through our own AES-CM helper and through `SRTPSession`.
@Suite struct RFC3711VectorTests {
    static let masterKey = Vectors.get("b3_master_key")
    static let masterSalt = Vectors.get("b3_master_salt")
    static let sessionKey = Vectors.get("b3_cipher_key")
    static let sessionSalt = Vectors.get("b3_cipher_salt")
    static let authKey = Vectors.get("b3_auth_key")

    @Test func b2KeystreamFromIndependentAESCM() {
        let key = Vectors.get("b2_session_key")
        let offset = Vectors.get("b2_iv_offset")
        #expect(key.count == 16 && offset.count == 16)
        // SSRC 0, index 0: the IV is the salt offset itself; blocks 0…2.
        let salt = Array(offset.prefix(14))
        let start = TestCrypto.srtpKeystream(sessionKey: key, sessionSalt: salt, ssrc: 0, index: 0, length: 48)
        #expect(start == Vectors.get("b2_keystream_0000") + Vectors.get("b2_keystream_0001")
                + Vectors.get("b2_keystream_0002"))
        // Blocks FEFF…FF01 of the same keystream.
        let long = TestCrypto.srtpKeystream(sessionKey: key, sessionSalt: salt, ssrc: 0, index: 0,
                                            length: 0xFF02 * 16)
        #expect(Array(long[(0xFEFF * 16)...]) == Vectors.get("b2_keystream_feff") + Vectors.get("b2_keystream_ff00")
                + Vectors.get("b2_keystream_ff01"))
    }

    @Test func b3KeyDerivationFromIndependentPRF() {
        #expect(TestCrypto.deriveSessionKey(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: 0, length: 16)
                == Self.sessionKey)
        #expect(TestCrypto.deriveSessionKey(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: 2, length: 14)
                == Self.sessionSalt)
        #expect(TestCrypto.deriveSessionKey(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: 1, length: 20)
                == Self.authKey)
    }

    /// Protects packets with the B.3 master key and checks ciphertext and tag against the B.3 derived keys.
    @Test(arguments: [(UInt16(0x1234), UInt64(0x1234)), (UInt16(0xFFFF), UInt64(0xFFFF))])
    func protectMatchesIndependentAESCMAndHMAC(seq: UInt16, index: UInt64) throws {
        let session = try SRTPSession(profile: .aes128CmSha1_80, key: Self.masterKey, salt: Self.masterSalt,
                                      direction: .outbound)
        let ssrc: UInt32 = 0xCAFE_BABE
        let payload = (0..<160).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let plain = rtpPacket(seq: seq, ssrc: ssrc, payload: payload)
        let srtp = try session.protectRTP(plain)
        #expect(srtp.count == plain.count + 10)
        #expect(Array(srtp.prefix(12)) == Array(plain.prefix(12)))
        let cipher = Array(srtp[12..<(12 + payload.count)])
        let xored = zip(cipher, payload).map { $0 ^ $1 }
        #expect(xored == TestCrypto.srtpKeystream(sessionKey: Self.sessionKey, sessionSalt: Self.sessionSalt,
                                                  ssrc: ssrc, index: index, length: payload.count))
        let tag = Array(srtp.suffix(10))
        #expect(tag == TestCrypto.srtpTag(authKey: Self.authKey, authenticated: Array(srtp.dropLast(10)), roc: 0))
    }

    /// After a sequence wrap the roll-over counter is 1: the keystream index and the tag both include it.
    @Test func rolloverCounterEntersKeystreamAndTag() throws {
        let session = try SRTPSession(profile: .aes128CmSha1_80, key: Self.masterKey, salt: Self.masterSalt,
                                      direction: .outbound)
        let ssrc: UInt32 = 0x0102_0304
        for seq in UInt16(65533)...65535 { _ = try session.protectRTP(rtpPacket(seq: seq, ssrc: ssrc, payload: [1])) }
        let payload = [UInt8](repeating: 0xAB, count: 40)
        let srtp = try session.protectRTP(rtpPacket(seq: 2, ssrc: ssrc, payload: payload))
        let xored = zip(srtp[12..<52], payload).map { $0 ^ $1 }
        #expect(xored == TestCrypto.srtpKeystream(sessionKey: Self.sessionKey, sessionSalt: Self.sessionSalt,
                                                  ssrc: ssrc, index: 1 << 16 | 2, length: 40))
        #expect(Array(srtp.suffix(10))
                == TestCrypto.srtpTag(authKey: Self.authKey, authenticated: Array(srtp.dropLast(10)), roc: 1))
    }
}
