@testable import DTLS
import SRTP
import Testing

@Suite("DTLS record framing, use_srtp parsing and key layout")
struct DTLSRecordTests {
    static func record(type: UInt8 = 22, epoch: UInt8 = 0, sequence: UInt8 = 0, body: [UInt8]) -> [UInt8] {
        [type, 0xFE, 0xFD, 0, epoch, 0, 0, 0, 0, 0, sequence, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    @Test("glued records split on the 13-byte header, byte for byte")
    func splitGlued() throws {
        let a = Self.record(body: [1, 2, 3])
        let b = Self.record(type: 20, sequence: 1, body: [1])
        let c = Self.record(type: 23, epoch: 1, sequence: 2, body: [])
        let d = Self.record(type: 21, epoch: 1, sequence: 3, body: [UInt8](repeating: 7, count: 300))
        let records = try DTLSRecord.split(a + b + c + d)
        #expect(records == [a, b, c, d])
        #expect(records.joined().elementsEqual(a + b + c + d))
    }

    @Test("framing errors name the offset and what was expected")
    func splitErrors() {
        let good = Self.record(body: [9, 9])
        #expect(throws: DTLSError.emptyDatagram) { try DTLSRecord.split([]) }
        #expect(throws: DTLSError.truncatedRecordHeader(offset: 15, available: 5)) {
            try DTLSRecord.split(good + Array(good.prefix(5)))
        }
        #expect(throws: DTLSError.truncatedRecordBody(offset: 15, length: 2, available: 1)) {
            try DTLSRecord.split(good + Array(good.dropLast()))
        }
        #expect(throws: DTLSError.unexpectedContentType(offset: 15, contentType: 128)) {
            try DTLSRecord.split(good + [128] + Array(good.dropFirst()))
        }
        #expect(throws: DTLSError.unexpectedVersion(offset: 0, version: 0x0303)) {
            try DTLSRecord.split([22, 3, 3] + Array(good.dropFirst(3)))
        }
        #expect(DTLSError.emptyDatagram.description
            == "empty DTLS datagram, expected at least one 13-byte record header")
        #expect(DTLSError.truncatedRecordHeader(offset: 15, available: 5).description
            == "truncated DTLS record header at offset 15: needed 13 bytes, 5 available")
        #expect(DTLSError.truncatedRecordBody(offset: 15, length: 2, available: 1).description
            == "truncated DTLS record at offset 15: header announces 2 bytes, 1 available")
        #expect(DTLSError.unexpectedContentType(offset: 15, contentType: 128).description
            == "DTLS record at offset 15 has content type 128, expected 20...63")
        #expect(DTLSError.unexpectedVersion(offset: 0, version: 0x0303).description
            == "DTLS record at offset 0 has version 0x0303, expected 0xFEXX")
    }

    @Test("pack keeps record order and fills datagrams up to the MTU")
    func pack() {
        let r100 = Self.record(body: [UInt8](repeating: 1, count: 87))   // 100 bytes
        let r50 = Self.record(body: [UInt8](repeating: 2, count: 37))    // 50 bytes
        let r300 = Self.record(body: [UInt8](repeating: 3, count: 287))  // 300 bytes
        #expect(DTLSRecord.pack([r100, r50, r100], mtu: 250) == [r100 + r50 + r100])
        #expect(DTLSRecord.pack([r100, r50, r100], mtu: 249) == [r100 + r50, r100])
        #expect(DTLSRecord.pack([r100, r300, r50], mtu: 250) == [r100, r300, r50])
        #expect(DTLSRecord.pack([], mtu: 250) == [])
    }

    @Test("use_srtp bodies parse into profile IDs; our profiles are reordered to the client's order")
    func useSRTPExtension() {
        // Length 4: AEAD_AES_128_GCM (0x0007), AES128_CM_SHA1_80 (0x0001); empty MKI.
        let ids = DTLSUseSRTPExtension.profileIDs([0, 4, 0, 7, 0, 1, 0])
        #expect(ids == [7, 1])
        #expect(DTLSUseSRTPExtension.order([.aes128CmSha1_80, .aeadAes128Gcm], byClientIDs: ids)
            == [.aeadAes128Gcm, .aes128CmSha1_80])
        #expect(DTLSUseSRTPExtension.order([.aes128CmSha1_80], byClientIDs: [2, 7, 1]) == [.aes128CmSha1_80])
        #expect(DTLSUseSRTPExtension.profileIDs([0, 3, 0, 7, 0]) == [])
        #expect(DTLSUseSRTPExtension.profileIDs([0, 6, 0, 7]) == [])
        #expect(DTLSUseSRTPExtension.profileIDs([0]) == [])
    }

    @Test("exported material splits as client key | server key | client salt | server salt", arguments: SRTPProfile.allCases)
    func keyLayout(profile: SRTPProfile) throws {
        let exported = (0..<profile.keyingMaterialLength).map { UInt8($0) }
        let salt = profile.saltLength
        let client = try SRTPKeyingMaterial(exported: exported, profile: profile, isClient: true)
        #expect(client.localKey == Array(0..<16))
        #expect(client.remoteKey == Array(16..<32))
        #expect(client.localSalt == Array(32..<UInt8(32 + salt)))
        #expect(client.remoteSalt == Array(UInt8(32 + salt)..<UInt8(32 + 2 * salt)))
        let server = try SRTPKeyingMaterial(exported: exported, profile: profile, isClient: false)
        #expect(server.localKey == client.remoteKey)
        #expect(server.localSalt == client.remoteSalt)
        #expect(server.remoteKey == client.localKey)
        #expect(server.remoteSalt == client.localSalt)
        #expect((try? SRTPKeyingMaterial(exported: Array(exported.dropLast()), profile: profile, isClient: true)) == nil)
        #expect(client.description == "SRTPKeyingMaterial(\(profile.rawValue), keys redacted)")
    }
}
