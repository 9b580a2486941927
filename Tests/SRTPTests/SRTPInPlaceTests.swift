import Testing
@testable import SRTP

/// The in-place API the packet path uses: the same bytes as the copying API, in the caller's buffer,
/// and the same errors.
@Suite struct SRTPInPlaceTests {
    @Test(arguments: SRTPProfile.allCases) func inPlaceMatchesCopyingAndRoundTrips(profile: SRTPProfile) throws {
        let (copyOut, _) = try SRTPSessionTests.pair(profile)
        let (out, inbound) = try SRTPSessionTests.pair(profile)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(200)
        for seq in UInt16(1)...5 {
            let plain = rtpPacket(seq: seq, ssrc: 0x5555_0002, payload: Array(repeating: UInt8(seq), count: 80))
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: plain)
            try out.protectRTP(inPlace: &buffer)
            #expect(buffer == (try copyOut.protectRTP(plain)))
            try inbound.unprotectRTP(inPlace: &buffer)
            #expect(buffer == plain)
        }
    }

    @Test(arguments: SRTPProfile.allCases) func inPlaceErrorsAreTheCopyingOnes(profile: SRTPProfile) throws {
        let (out, inbound) = try SRTPSessionTests.pair(profile)
        var packet = try out.protectRTP(rtpPacket(seq: 9, ssrc: 0x5555_0003, payload: Array(0..<40)))
        packet[20] ^= 0x01
        #expect(errorText { try inbound.unprotectRTP(inPlace: &packet) }
                == "unprotectRTP: authentication failed: srtp_err_status_auth_fail (7)")
        var short: [UInt8] = [0x80, 111, 0, 1]
        #expect(throws: SRTPError.packetTooShort(operation: "protectRTP", length: 4, minimum: 12)) {
            try out.protectRTP(inPlace: &short)
        }
        var plain = rtpPacket(seq: 10, ssrc: 1, payload: [1, 2, 3])
        #expect(throws: SRTPError.wrongDirection(operation: "protectRTP", direction: .inbound)) {
            try inbound.protectRTP(inPlace: &plain)
        }
    }
}
