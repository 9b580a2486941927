import Testing
import Wire
@testable import STUN

/// Truncated and corrupted variants of the RFC 5769 sample request, with exact errors.
struct STUNDecodingErrorTests {
    let request: [UInt8]
    let password = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)

    init() throws { request = try loadHexFixture("rfc5769-2.1-request.hex") }

    @Test func truncatedHeader() {
        let error = #expect(throws: STUNError.truncatedHeader(available: 10)) { try STUNMessage.decode(Array(request.prefix(10))) }
        #expect(error?.description == "STUN header truncated: needs 20 bytes, got 10")
        #expect(!STUNMessage.looksLikeSTUN(Array(request.prefix(19))))
    }

    @Test func truncatedBody() {
        let error = #expect(throws: STUNError.lengthMismatch(declared: 88, available: 84)) {
            try STUNMessage.decode(Array(request.prefix(104)))
        }
        #expect(error?.description == "STUN message length at offset 2 says 88 attribute bytes, but 84 follow the header")
    }

    @Test func attributeRunsPastEnd() {
        var bytes = Array(request.prefix(104))
        bytes[3] = 84
        bytes[102] = 0x00; bytes[103] = 0x08  // FINGERPRINT now claims 8 bytes with none left
        let error = #expect(throws: STUNError.attributeOverrun(type: 0x8028, offset: 100, declared: 8, available: 0)) {
            try STUNMessage.decode(bytes)
        }
        #expect(error?.description
            == "STUN attribute FINGERPRINT (0x8028) at offset 100 declares 8 value bytes (padded), but only 0 remain in the message")
    }

    @Test func usernameLengthPastEnd() {
        var bytes = request
        bytes[62] = 0x01; bytes[63] = 0x00  // USERNAME at offset 60 claims 256 bytes
        #expect(throws: STUNError.attributeOverrun(type: 0x0006, offset: 60, declared: 256, available: 44)) {
            try STUNMessage.decode(bytes)
        }
    }

    @Test func notSTUNAndBadCookie() {
        var rtp = request
        rtp[0] = 0x80
        #expect(!STUNMessage.looksLikeSTUN(rtp))
        let e1 = #expect(throws: STUNError.notSTUN(firstByte: 0x80)) { try STUNMessage.decode(rtp) }
        #expect(e1?.description == "not STUN: first byte at offset 0 is 0x80, its two top bits must be 0")
        var cookie = request
        cookie[7] = 0x43
        #expect(!STUNMessage.looksLikeSTUN(cookie))
        let e2 = #expect(throws: STUNError.badMagicCookie(actual: 0x2112_a443)) { try STUNMessage.decode(cookie) }
        #expect(e2?.description == "STUN magic cookie at offset 4 is 0x2112a443, expected 0x2112a442")
    }

    @Test func lengthNotMultipleOfFour() {
        var bytes = request
        bytes[3] = 87
        let error = #expect(throws: STUNError.lengthNotMultipleOfFour(length: 87)) { try STUNMessage.decode(bytes) }
        #expect(error?.description == "STUN message length at offset 2 is 87, expected a multiple of 4")
    }

    @Test func corruptedBodyFailsIntegrityAndFingerprint() throws {
        var bytes = request
        bytes[30] ^= 0x01  // inside SOFTWARE
        let message = try STUNMessage.decode(bytes)
        let e1 = #expect(throws: STUNError.integrityMismatch(offset: 76)) { try message.verifyIntegrity(key: password) }
        #expect(e1?.description == "STUN MESSAGE-INTEGRITY at offset 76 does not match the HMAC-SHA1 under the given key")
        var covered = Array(bytes.prefix(100))
        covered[3] = 88
        let expected = CRC32.checksum(covered) ^ 0x5354_554E
        let e2 = #expect(throws: STUNError.fingerprintMismatch(offset: 100, expected: expected, actual: 0xe57a_3bcf)) {
            try message.verifyFingerprint()
        }
        #expect(e2?.description.hasPrefix("STUN FINGERPRINT at offset 100 is 0xe57a3bcf, expected 0x") == true)
    }

    @Test func wrongKeyFailsIntegrity() throws {
        let message = try STUNMessage.decode(request)
        #expect(throws: STUNError.integrityMismatch(offset: 76)) { try message.verifyIntegrity(key: Array("wrong".utf8)) }
        try message.verifyFingerprint()
    }

    @Test func badAttributeValues() throws {
        var family = try loadHexFixture("rfc5769-2.2-ipv4-response.hex")
        family[41] = 0x03  // XOR-MAPPED-ADDRESS family byte (attribute at offset 36)
        let e1 = #expect(throws: STUNError.invalidAttribute(type: 0x0020, offset: 36,
                                                             problem: "address family 0x03, expected 0x01 (IPv4) or 0x02 (IPv6)")) {
            try STUNMessage.decode(family)
        }
        #expect(e1?.description
            == "STUN attribute XOR-MAPPED-ADDRESS (0x0020) at offset 36: address family 0x03, expected 0x01 (IPv4) or 0x02 (IPv6)")
        var priority = request
        priority[43] = 0x03  // PRIORITY (offset 40) claims 3 bytes
        #expect(throws: STUNError.invalidAttribute(type: 0x0024, offset: 40, problem: "expected 4 value bytes, got 3")) {
            try STUNMessage.decode(priority)
        }
        var utf8 = request
        utf8[64] = 0xFF  // first USERNAME byte
        #expect(throws: STUNError.invalidAttribute(type: 0x0006, offset: 60, problem: "value is not valid UTF-8")) {
            try STUNMessage.decode(utf8)
        }
    }

    @Test func attributeAfterFingerprint() throws {
        var bytes = request + [0x80, 0x22, 0x00, 0x00]
        bytes[3] = 92
        #expect(throws: STUNError.attributeAfterFingerprint(type: 0x8022, offset: 108)) { try STUNMessage.decode(bytes) }
    }

    @Test func missingIntegrity() throws {
        let message = STUNMessage(.request, transactionID: Array(repeating: 1, count: 12), attributes: [.useCandidate])
        let decoded = try STUNMessage.decode(try message.encode(fingerprint: true))
        let error = #expect(throws: STUNError.missingAttribute(type: 0x0008)) { try decoded.verifyIntegrity(key: password) }
        #expect(error?.description == "STUN message has no MESSAGE-INTEGRITY (0x0008) attribute")
        try decoded.verifyFingerprint()
    }
}
