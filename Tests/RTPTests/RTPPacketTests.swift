import Testing
import Wire
@testable import RTP

@Suite struct RTPPacketTests {
    @Test func audioLevelPacketParsesAndRoundTrips() throws {
        let bytes = try Fixture.bytes("rtp_audio_level.hex")
        let packet = try RTPPacket.parse(bytes)
        #expect(packet.marker)
        #expect(packet.payloadType == 111)
        #expect(packet.sequenceNumber == 0x1234)
        #expect(packet.timestamp == 123_456)
        #expect(packet.ssrc == 0xdead_beef)
        #expect(packet.csrcs.isEmpty)
        #expect(packet.paddingLength == 0)
        #expect(packet.payload == [0xfc, 0xff, 0xfe])
        let ext = try #require(packet.headerExtension)
        #expect(ext.profile == 0xBEDE)
        #expect(try ext.elements() == [.init(id: 1, data: [0x8a])])
        #expect(packet.audioLevel(extensionID: 1) == AudioLevel(voiceActivity: true, level: 10))
        #expect(packet.audioLevel(extensionID: 2) == nil)
        #expect(try packet.serialize() == bytes)
    }

    @Test func buildingTheAudioLevelPacketGivesTheFixtureBytes() throws {
        let ext = try RTPHeaderExtension(oneByte: [.init(id: 1, data: AudioLevel(voiceActivity: true, level: 10).elementData)])
        let packet = RTPPacket(marker: true, payloadType: 111, sequenceNumber: 0x1234, timestamp: 123_456,
                               ssrc: 0xdead_beef, headerExtension: ext, payload: [0xfc, 0xff, 0xfe])
        #expect(try packet.serialize() == Fixture.bytes("rtp_audio_level.hex"))
        #expect(packet.headerLength == 20)
    }

    @Test func paddingAndCSRCsRoundTrip() throws {
        let bytes = try Fixture.bytes("rtp_padding_csrc.hex")
        let packet = try RTPPacket.parse(bytes)
        #expect(!packet.marker)
        #expect(packet.payloadType == 0)
        #expect(packet.sequenceNumber == 65535)
        #expect(packet.timestamp == 0xffff_fff0)
        #expect(packet.csrcs == [0x0102_0304, 0x0506_0708])
        #expect(packet.payload == [UInt8](repeating: 0xd5, count: 5))
        #expect(packet.paddingLength == 3)
        #expect(packet.headerExtension == nil)
        #expect(try packet.serialize() == bytes)
    }

    @Test func headerViewReadsFieldsInPlace() throws {
        let view = try RTPHeaderView(Fixture.bytes("rtp_audio_level.hex"))
        #expect(view.marker && view.payloadType == 111 && view.sequenceNumber == 0x1234)
        #expect(view.timestamp == 123_456 && view.ssrc == 0xdead_beef && view.csrcCount == 0)
        #expect(view.payloadRange == 20..<23)
        #expect(Array(view.payload) == [0xfc, 0xff, 0xfe])
        #expect(view.extensionProfile == 0xBEDE)
        #expect(view.audioLevel(extensionID: 1) == AudioLevel(voiceActivity: true, level: 10))
        #expect(view.audioLevel(extensionID: 3) == nil)

        let padded = try RTPHeaderView(Fixture.bytes("rtp_padding_csrc.hex"))
        #expect(padded.payloadRange == 20..<25)
        #expect(padded.extensionProfile == nil)
    }

    @Test func twoByteExtensionElements() throws {
        let ext = try RTPHeaderExtension(twoByte: [.init(id: 1, data: [0x85]), .init(id: 20, data: []),
                                                  .init(id: 200, data: Array(repeating: 7, count: 17))])
        #expect(ext.profile == 0x1000)
        #expect(ext.data.count % 4 == 0)
        #expect(try ext.elements() == [.init(id: 1, data: [0x85]), .init(id: 20, data: []),
                                       .init(id: 200, data: Array(repeating: 7, count: 17))])
        let packet = RTPPacket(payloadType: 111, sequenceNumber: 1, timestamp: 2, ssrc: 3, headerExtension: ext,
                               payload: [1, 2, 3])
        let bytes = try packet.serialize()
        #expect(try RTPPacket.parse(bytes) == packet)
        #expect(try RTPHeaderView(bytes).audioLevel(extensionID: 1) == AudioLevel(voiceActivity: true, level: 5))
    }

    @Test func oneByteElementRulesAreEnforced() {
        #expect(errorText { try RTPHeaderExtension(oneByte: [.init(id: 15, data: [1])]) }
                == "one-byte extension id value 15 out of range (max 14)")
        #expect(errorText { try RTPHeaderExtension(oneByte: [.init(id: 1, data: [])]) }
                == "one-byte extension element length value 0 out of range (max 16)")
        let bad = RTPHeaderExtension(profile: 0xBEDE, data: [0x13, 0x01, 0x02, 0x00])
        #expect(errorText { try bad.elements() }
                == "RTP header extension element at offset 0: id 1 needs 4 data bytes, 3 remain")
        let unknown = RTPHeaderExtension(profile: 0x1234, data: [])
        #expect(errorText { try unknown.elements() } == "RTP header extension element at offset 0: "
                + "profile 0x1234 is neither one-byte (0xbede) nor two-byte (0x100x)")
    }

    @Test func truncatedAndInvalidPackets() throws {
        let good = try Fixture.bytes("rtp_audio_level.hex")
        #expect(errorText { try RTPPacket.parse(Array(good.prefix(5))) }
                == "truncated RTP header at offset 0: needed 12 bytes, 5 available")
        var v1 = good
        v1[0] = 0x50
        #expect(errorText { try RTPPacket.parse(v1) } == "RTP header at offset 0 has version 1, expected 2")
        #expect(errorText { try RTPHeaderView(v1) } == "RTP header at offset 0 has version 1, expected 2")
        // Extension says 1 word but only 2 of its 4 bytes are present.
        #expect(errorText { try RTPPacket.parse(Array(good.prefix(18))) }
                == "truncated RTP header extension data at offset 16: needed 4 bytes, 2 available")
        #expect(errorText { try RTPPacket.parse(Array(good.prefix(14))) }
                == "truncated RTP header extension length at offset 14: needed 2 bytes, 0 available")

        var csrc = try Fixture.bytes("rtp_padding_csrc.hex")
        csrc[0] = 0x8F  // CC = 15, no padding
        #expect(errorText { try RTPPacket.parse(csrc) } == "RTP CSRC count 15 needs 72 header bytes, packet has 28")
        #expect(errorText { try RTPHeaderView(csrc) } == "RTP CSRC count 15 needs 72 header bytes, packet has 28")

        var padding = try Fixture.bytes("rtp_padding_csrc.hex")
        padding[padding.count - 1] = 9  // 9 > 8 bytes after the 20-byte header
        #expect(errorText { try RTPPacket.parse(padding) }
                == "RTP packet padding of 9 bytes exceeds the 8 bytes after the header")
        #expect(errorText { try RTPHeaderView(padding) }
                == "RTP packet padding of 9 bytes exceeds the 8 bytes after the header")
        padding[padding.count - 1] = 0
        #expect(errorText { try RTPPacket.parse(padding) }
                == "RTP packet has the padding bit set but a padding count of 0 at offset 27")
        let headerOnlyPadded: [UInt8] = [0xA0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]
        #expect(errorText { try RTPPacket.parse(headerOnlyPadded) }
                == "truncated RTP padding count at offset 12: needed 1 bytes, 0 available")
    }

    @Test func serializeRejectsFieldsThatDoNotFit() {
        var packet = RTPPacket(payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: [])
        #expect(errorText { try packet.serialize() } == "RTP payload type value 128 out of range (max 127)")
        packet.payloadType = 0
        packet.csrcs = Array(repeating: 1, count: 16)
        #expect(errorText { try packet.serialize() } == "RTP CSRC count value 16 out of range (max 15)")
        packet.csrcs = []
        packet.headerExtension = RTPHeaderExtension(profile: 0xBEDE, data: [1, 2, 3])
        #expect(errorText { try packet.serialize() }
                == "RTP header extension length (not a multiple of 4) value 3 out of range (max 262140)")
    }

    @Test func emptyPayloadAndMinimalHeader() throws {
        let packet = RTPPacket(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: [])
        let bytes = try packet.serialize()
        #expect(bytes == [0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try RTPPacket.parse(bytes) == packet)
    }
}

/// Found by the rtp fuzz target: an audio level before a malformed element in the same block.
@Suite struct HeaderExtensionAgreementTests {
    @Test func aMalformedElementVoidsTheWholeBlockInBothReaders() throws {
        // One-byte extension block (0xbede, 1 word): id 1 (1 byte, 0x8a), a padding byte, then 0x07 —
        // id 0 with 8 data bytes that are not there.
        let bytes: [UInt8] = [0x90, 0xef, 0x30, 0x00, 0x01, 0xe2, 0x40, 0xde, 0xca, 0xad, 0xbe, 0xef,
                              0xbe, 0xde, 0x00, 0x01, 0x10, 0x8a, 0x00, 0x07, 0x00, 0x00, 0xfc, 0xff, 0xfe]
        let packet = try RTPPacket.parse(bytes)
        let view = try RTPHeaderView(bytes)
        #expect(packet.audioLevel(extensionID: 1) == nil)
        #expect(view.audioLevel(extensionID: 1) == nil)
        #expect(view.extensionElementRange(id: 1) == nil)
    }
}
