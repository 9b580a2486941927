import Hashing
import Testing

@Suite struct HashingTests {
    // RFC 4231 section 4.3, test case 2.
    @Test func hmacSHA256MatchesRFC4231() {
        let mac = HMAC.sha256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    // RFC 2202 section 3, test case 2.
    @Test func hmacSHA1MatchesRFC2202() {
        let mac = HMAC.sha1(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    // FIPS 180-2 appendix B.1.
    @Test func sha256OfABC() {
        #expect(Hex.encode(Digest.sha256(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hexRoundTripAndStrictDecode() {
        let bytes: [UInt8] = [0, 1, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test func constantTimeEqualCompares() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func randomBytesHaveRequestedLengthAndDiffer() {
        let a = SecureRandom.bytes(16), b = SecureRandom.bytes(16)
        #expect(a.count == 16)
        #expect(a != b)
    }
}
