import COpenSSL
import Testing
import Wire
@testable import STUN

/// RFC 5769 test vectors, decoded and re-encoded byte for byte.
struct RFC5769Tests {
    static let password = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)
    static let transactionID: [UInt8] = [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]

    @Test func sampleRequestDecodes() throws {
        let bytes = try loadHexFixture("rfc5769-2.1-request.hex")
        #expect(bytes.count == 108)
        #expect(STUNMessage.looksLikeSTUN(bytes))
        let message = try STUNMessage.decode(bytes)
        #expect(message.messageClass == .request)
        #expect(message.method == STUNMethod.binding)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.attributes == [
            .software("STUN test client"),
            .priority(0x6e00_01ff),
            .iceControlled(tieBreaker: 0x932f_f9b1_5126_3b36),
            .username("evtj:h6vY"),
        ])
        #expect(message.username == "evtj:h6vY")
        #expect(message.priority == 0x6e00_01ff)
        #expect(message.iceControlled == 0x932f_f9b1_5126_3b36)
        #expect(message.fingerprint == 0xe57a_3bcf)
        try message.verifyIntegrity(key: Self.password)
        try message.verifyFingerprint()
    }

    @Test func sampleRequestReencodes() throws {
        let bytes = try loadHexFixture("rfc5769-2.1-request.hex")
        let message = try STUNMessage.decode(bytes)
        let rebuilt = STUNMessage(.request, transactionID: Self.transactionID, attributes: message.attributes)
        #expect(try rebuilt.encode(integrityKey: Self.password, fingerprint: true, paddingByte: 0x20) == bytes)
    }

    @Test func ipv4ResponseDecodesAndReencodes() throws {
        let bytes = try loadHexFixture("rfc5769-2.2-ipv4-response.hex")
        let message = try STUNMessage.decode(bytes)
        #expect(message.messageClass == .successResponse)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == TransportAddress(host: "192.0.2.1", port: 32853))
        try message.verifyIntegrity(key: Self.password)
        try message.verifyFingerprint()
        #expect(try message.encode(integrityKey: Self.password, fingerprint: true, paddingByte: 0x20) == bytes)
    }

    @Test func ipv6ResponseDecodesAndReencodes() throws {
        let bytes = try loadHexFixture("rfc5769-2.3-ipv6-response.hex")
        let message = try STUNMessage.decode(bytes)
        #expect(message.xorMappedAddress == TransportAddress(host: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853))
        try message.verifyIntegrity(key: Self.password)
        try message.verifyFingerprint()
        #expect(try message.encode(integrityKey: Self.password, fingerprint: true, paddingByte: 0x20) == bytes)
    }

    /// Long-term credentials: the key is MD5(username:realm:SASLprep(password)); SASLprep of the RFC's password
    /// is "TheMatrIX" (we do not implement SASLprep; ICE uses short-term credentials only).
    @Test func longTermRequestVerifiesAndReencodes() throws {
        let bytes = try loadHexFixture("rfc5769-2.4-long-term-request.hex")
        let message = try STUNMessage.decode(bytes)
        #expect(message.username == "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}")
        #expect(message.attributes.count == 3)
        #expect(message.attributes[1] == .unknown(type: 0x0015, value: Array("f//499k954d6OL34oL9FSTvy64sA".utf8)))
        #expect(message.attributes[2] == .unknown(type: 0x0014, value: Array("example.org".utf8)))
        let key = md5(Array("\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}:example.org:TheMatrIX".utf8))
        try message.verifyIntegrity(key: key)
        #expect(throws: STUNError.missingAttribute(type: STUNAttributeType.fingerprint)) { try message.verifyFingerprint() }
        #expect(try message.encode(integrityKey: key) == bytes)
    }

    private func md5(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        var size: UInt32 = 0
        _ = EVP_Digest(data, data.count, &out, &size, EVP_md5(), nil)
        return out
    }
}
