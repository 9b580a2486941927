import Testing
import Wire
@testable import STUN

struct STUNEncodingTests {
    let tid: [UInt8] = Array(0..<12)

    @Test func crc32CheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func messageTypeInterleaving() {
        #expect(STUNMessageType.encode(method: 1, messageClass: .request) == 0x0001)
        #expect(STUNMessageType.encode(method: 1, messageClass: .indication) == 0x0011)
        #expect(STUNMessageType.encode(method: 1, messageClass: .successResponse) == 0x0101)
        #expect(STUNMessageType.encode(method: 1, messageClass: .errorResponse) == 0x0111)
        #expect(STUNMessageType.encode(method: 0xFFF, messageClass: .errorResponse) == 0x3FFF)
        for method in [UInt16(0), 1, 0x0ABC, 0x0FFF] {
            for c in [STUNMessageClass.request, .indication, .successResponse, .errorResponse] {
                let decoded = STUNMessageType.decode(STUNMessageType.encode(method: method, messageClass: c))
                #expect(decoded.method == method && decoded.messageClass == c)
            }
        }
    }

    @Test func everyAttributeRoundTrips() throws {
        let attributes: [STUNAttribute] = [
            .mappedAddress(TransportAddress(host: "198.51.100.7", port: 5004)!),
            .xorMappedAddress(TransportAddress(host: "2001:db8::42", port: 40000)!),
            .xorMappedAddress(TransportAddress(host: "203.0.113.9", port: 1)!),
            .username("abc:defg"),
            .priority(1_845_501_695),
            .useCandidate,
            .iceControlling(tieBreaker: 0x0102_0304_0506_0708),
            .iceControlled(tieBreaker: .max),
            .errorCode(.roleConflict),
            .software("ivr"),
            .unknown(type: 0xC001, value: [1, 2, 3, 4, 5]),
        ]
        let message = STUNMessage(.errorResponse, transactionID: tid, attributes: attributes)
        let key = Array("pwd".utf8)
        let bytes = try message.encode(integrityKey: key, fingerprint: true)
        #expect(bytes.count % 4 == 0)
        let decoded = try STUNMessage.decode(bytes)
        #expect(decoded.attributes == attributes)
        #expect(decoded.errorCode == STUNErrorCode(code: 487, reason: "Role Conflict"))
        #expect(decoded.useCandidate)
        #expect(decoded.iceControlling == 0x0102_0304_0506_0708)
        try decoded.verifyIntegrity(key: key)
        try decoded.verifyFingerprint()
        // Re-encoding the decoded message gives the same bytes.
        #expect(try decoded.encode(integrityKey: key, fingerprint: true) == bytes)
    }

    @Test func attributesAfterIntegrityAreIgnored() throws {
        let key = Array("k".utf8)
        var bytes = try STUNMessage(.request, transactionID: tid, attributes: [.priority(7)]).encode(integrityKey: key)
        bytes += [0x00, 0x25, 0x00, 0x00]  // USE-CANDIDATE after MESSAGE-INTEGRITY
        bytes[3] += 4
        let decoded = try STUNMessage.decode(bytes)
        #expect(decoded.attributes == [.priority(7)])
        #expect(!decoded.useCandidate)
    }

    @Test func encodingErrors() {
        let short = STUNMessage(.request, transactionID: [1, 2, 3])
        let e1 = #expect(throws: STUNError.invalidTransactionID(length: 3)) { try short.encode() }
        #expect(e1?.description == "STUN transaction id is 3 bytes, expected 12")
        let long = STUNMessage(.request, transactionID: tid, attributes: [.username(String(repeating: "a", count: 600))])
        let e2 = #expect(throws: STUNError.valueTooLong(type: 0x0006, length: 600, max: 513)) { try long.encode() }
        #expect(e2?.description == "STUN attribute USERNAME (0x0006) value is 600 bytes, at most 513 allowed")
    }

    @Test func errorCodeValidation() throws {
        var bytes = try STUNMessage(.errorResponse, transactionID: tid, attributes: [.errorCode(.badRequest)]).encode()
        bytes[26] = 0x07  // class 7
        #expect(throws: STUNError.invalidAttribute(type: 0x0009, offset: 20, problem: "class 7 number 0 is not a code in 300–699")) {
            try STUNMessage.decode(bytes)
        }
    }
}
