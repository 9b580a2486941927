import Testing
@testable import RTP

@Suite struct PacketClassTests {
    /// RFC 7983 section 7 ranges, plus RFC 5761 section 4 for RTP/RTCP with rtcp-mux.
    static let table: [([UInt8], PacketClass)] = [
        ([], .unknown),
        ([0x00, 0x01], .stun), ([0x01, 0x01], .stun), ([0x03], .stun),
        ([0x04], .unknown), ([19], .unknown),
        ([20], .dtls), ([22, 0xfe, 0xfd], .dtls), ([63], .dtls),
        ([64], .unknown), ([127], .unknown),
        ([0x80], .unknown),  // no second byte to tell RTP from RTCP
        ([0x80, 0x00], .rtp), ([0x80, 111], .rtp), ([0x80, 0x80 | 111], .rtp), ([0x80, 191], .rtp),
        ([0x80, 192], .rtcp), ([0x81, 200], .rtcp), ([0x80, 201], .rtcp), ([0x8f, 206], .rtcp),
        ([0x80, 223], .rtcp), ([0x80, 224], .rtp), ([0x80, 255], .rtp),
        ([191, 200], .rtcp), ([192, 200], .unknown), ([255, 0], .unknown),
    ]

    @Test(arguments: table) func classify(_ bytes: [UInt8], _ expected: PacketClass) {
        #expect(PacketClass.classify(bytes) == expected)
        #expect(PacketClass.classify(bytes[...]) == expected)
    }
}
