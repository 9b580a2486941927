import Testing
import Wire
@testable import RTP

@Suite struct RTCPTests {
    static let block = ReportBlock(ssrc: 0xdead_beef, fractionLost: 0x40, cumulativeLost: 5,
                                   highestSequence: 0x0001_1234, jitter: 32, lastSenderReport: 0xb2c3_8000,
                                   delaySinceLastSenderReport: 0x0001_8000)

    @Test func senderReportWithSDESRoundTrips() throws {
        let bytes = try Fixture.bytes("rtcp_sr_sdes.hex")
        let compound = try RTCPCompoundPacket.parse(bytes)
        let expected = RTCPCompoundPacket(packets: [
            .senderReport(RTCPSenderReport(ssrc: 0x1122_3344, ntpTime: NTPTime(seconds: 0xe9a1_b2c3, fraction: 0x8000_0000),
                                           rtpTimestamp: 123_456, packetCount: 100, octetCount: 16000,
                                           reports: [Self.block])),
            .sourceDescription(RTCPSourceDescription(ssrc: 0x1122_3344, cname: "ivr-test-cname")),
        ])
        #expect(compound == expected)
        #expect(try expected.serialize() == bytes)
        #expect(compound.senderReport?.ntpTime.middle32 == 0xb2c3_8000)
        guard case let .sourceDescription(sdes) = compound.packets[1] else { Issue.record("not SDES"); return }
        #expect(sdes.chunks[0].cname == "ivr-test-cname")
    }

    @Test func receiverReportWithNegativeLossRoundTrips() throws {
        let bytes = try Fixture.bytes("rtcp_rr.hex")
        let compound = try RTCPCompoundPacket.parse(bytes)
        let block = ReportBlock(ssrc: 0x1122_3344, fractionLost: 0, cumulativeLost: -1, highestSequence: 65535,
                                jitter: 16, lastSenderReport: 0, delaySinceLastSenderReport: 0)
        #expect(compound.packets == [.receiverReport(RTCPReceiverReport(ssrc: 0x5566_7788, reports: [block]))])
        #expect(try compound.serialize() == bytes)
    }

    @Test func byeWithReasonRoundTrips() throws {
        let bytes = try Fixture.bytes("rtcp_rr_bye.hex")
        let compound = try RTCPCompoundPacket.parse(bytes)
        #expect(compound.packets == [.receiverReport(RTCPReceiverReport(ssrc: 0x1122_3344)),
                                     .bye(RTCPBye(ssrcs: [0x1122_3344], reason: "call end"))])
        #expect(try compound.serialize() == bytes)
    }

    /// Found by the fuzzer: RTCP padding left a 2-byte BYE body, which parsed but could not be written back.
    @Test func aByeBodyThatIsNotWholeWordsIsRefused() {
        #expect(throws: RTPError.self) {
            try RTCPCompoundPacket.parse([0xA0, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02], allowReducedSize: true)
        }
    }

    @Test func byeWithoutReasonAndSeveralSources() throws {
        let compound = RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 1)),
                                                   .bye(RTCPBye(ssrcs: [1, 2]))])
        let bytes = try compound.serialize()
        #expect(Array(bytes[8...]) == [0x82, 203, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2])
        #expect(try RTCPCompoundPacket.parse(bytes) == compound)
    }

    @Test func sdesWithSeveralItemsAndChunks() throws {
        let sdes = RTCPSourceDescription(chunks: [
            .init(ssrc: 1, items: [.init(type: .cname, text: "a"), .init(type: .tool, text: "ivrd 1.0")]),
            .init(ssrc: 2, items: [.init(type: .cname, text: "abcd")]),
        ])
        let compound = RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 1)), .sourceDescription(sdes)])
        let bytes = try compound.serialize()
        #expect(bytes.count % 4 == 0)
        #expect(try RTCPCompoundPacket.parse(bytes) == compound)
    }

    @Test func appAndFeedbackPacketsAreKeptRaw() throws {
        let app = RTCPRawPacket(packetType: 204, count: 3, body: [0, 0, 0, 9, 0x6e, 0x61, 0x6d, 0x65, 1, 2, 3, 4])
        let pli = RTCPRawPacket(packetType: 206, count: 1, body: [0, 0, 0, 1, 0, 0, 0, 2])
        let compound = RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 9)), .other(app), .other(pli)])
        let bytes = try compound.serialize()
        #expect(try RTCPCompoundPacket.parse(bytes) == compound)
        // A lone PLI is a reduced-size packet (RFC 5506): rejected unless allowed.
        let lone = try RTCPCompoundPacket(packets: [.other(pli)]).serialize()
        #expect(errorText { try RTCPCompoundPacket.parse(lone) }
                == "RTCP compound packet starts with packet type 206, expected SR (200) or RR (201)")
        #expect(try RTCPCompoundPacket.parse(lone, allowReducedSize: true).packets == [.other(pli)])
    }

    @Test func paddingOnTheLastPacketRoundTrips() throws {
        let compound = RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 7)),
                                                   .bye(RTCPBye(ssrcs: [7]))], paddingLength: 4)
        let bytes = try compound.serialize()
        #expect(Array(bytes[8...]) == [0xa1, 203, 0, 2, 0, 0, 0, 7, 0, 0, 0, 4])
        #expect(try RTCPCompoundPacket.parse(bytes) == compound)
    }

    @Test func compoundValidityErrors() throws {
        let good = try Fixture.bytes("rtcp_sr_sdes.hex")
        #expect(errorText { try RTCPCompoundPacket.parse([]) }
                == "RTCP compound packet is empty, expected at least one SR or RR")
        #expect(errorText { try RTCPCompoundPacket.parse(Array(good.prefix(3))) }
                == "truncated RTCP packet 0 header at offset 0: needed 4 bytes, 3 available")
        var v1 = good
        v1[0] = 0x41
        #expect(errorText { try RTCPCompoundPacket.parse(v1) } == "RTCP packet 0 at offset 0 has version 1, expected 2")
        var secondBad = good
        secondBad[52] = 0xC1
        #expect(errorText { try RTCPCompoundPacket.parse(secondBad) }
                == "RTCP packet 1 at offset 52 has version 3, expected 2")
        #expect(errorText { try RTCPCompoundPacket.parse(Array(good.prefix(50))) }
                == "truncated RTCP packet 0 (type 200) body at offset 4: needed 48 bytes, 46 available")
        #expect(errorText { try RTCPCompoundPacket.parse(Array(good.prefix(70))) }
                == "truncated RTCP packet 1 (type 202) body at offset 56: needed 24 bytes, 14 available")
        let sdesFirst = Array(good[52...])
        #expect(errorText { try RTCPCompoundPacket.parse(sdesFirst) }
                == "RTCP compound packet starts with packet type 202, expected SR (200) or RR (201)")
        var paddedFirst = good
        paddedFirst[0] |= 0x20
        #expect(errorText { try RTCPCompoundPacket.parse(paddedFirst) }
                == "RTCP packet 0 at offset 0 has the padding bit set but is not the last packet")
        var tooManyBlocks = good
        tooManyBlocks[0] = 0x82  // RC = 2 but only one block in the 48-byte body
        #expect(errorText { try RTCPCompoundPacket.parse(tooManyBlocks) }
                == "RTCP packet type 200 at offset 4: report count 2 needs 72 body bytes, 48 available")
        var sdesNoEnd = good
        sdesNoEnd[56 + 4 + 1] = 18  // CNAME length runs into the padding and past the END
        #expect(errorText { try RTCPCompoundPacket.parse(sdesNoEnd) }
                == "truncated SDES chunk 0 item type at offset 80: needed 1 bytes, 0 available")
    }

    @Test func byeErrors() throws {
        let good = try Fixture.bytes("rtcp_rr_bye.hex")
        var longReason = good
        longReason[16] = 12  // reason length 12 > the 11 bytes left
        #expect(errorText { try RTCPCompoundPacket.parse(longReason) }
                == "truncated BYE reason at offset 17: needed 12 bytes, 11 available")
        var manySources = good
        manySources[8] = 0x86  // 6 sources need 24 bytes, body has 16
        #expect(errorText { try RTCPCompoundPacket.parse(manySources) }
                == "RTCP packet type 203 at offset 12: source count 6 needs 24 body bytes, 16 available")
        var dirtyPadding = good
        dirtyPadding[27] = 1
        #expect(errorText { try RTCPCompoundPacket.parse(dirtyPadding) }
                == "RTCP packet type 203 at offset 27: BYE reason padding byte is 1, expected 0")
    }

    @Test func cumulativeLostIsClampedTo24Bits() throws {
        var block = Self.block
        block.cumulativeLost = 10_000_000
        let bytes = try RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 1, reports: [block]))]).serialize()
        #expect(Array(bytes[13..<16]) == [0x7f, 0xff, 0xff])
        block.cumulativeLost = -10_000_000
        let negative = try RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 1, reports: [block]))]).serialize()
        #expect(Array(negative[13..<16]) == [0x80, 0x00, 0x00])
        guard case let .receiverReport(rr) = try RTCPCompoundPacket.parse(negative).packets[0] else { return }
        #expect(rr.reports[0].cumulativeLost == -0x80_0000)
    }
}
