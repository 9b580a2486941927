import Testing
@testable import SRTP

@Suite struct SRTPSessionTests {
    static func keys(_ profile: SRTPProfile) -> (key: [UInt8], salt: [UInt8]) {
        ((0..<profile.keyLength).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }, (0..<profile.saltLength).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 5) })
    }

    static func pair(_ profile: SRTPProfile) throws -> (out: SRTPSession, inbound: SRTPSession) {
        let (key, salt) = keys(profile)
        return (try SRTPSession(profile: profile, key: key, salt: salt, direction: .outbound),
                try SRTPSession(profile: profile, key: key, salt: salt, direction: .inbound))
    }

    /// RR (SSRC 0x11223344, no blocks) + SDES CNAME "cname" — a minimal compound packet.
    static let rtcp: [UInt8] = [0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44,
                                0x81, 202, 0, 3, 0x11, 0x22, 0x33, 0x44, 1, 5, 0x63, 0x6e, 0x61, 0x6d, 0x65, 0]

    @Test(arguments: SRTPProfile.allCases) func rtpRoundTrip(profile: SRTPProfile) throws {
        let (out, inbound) = try Self.pair(profile)
        let plain = rtpPacket(seq: 7, ssrc: 0x5555_0001, payload: Array(0..<100), marker: true)
        let srtp = try out.protectRTP(plain)
        #expect(srtp.count == plain.count + (profile == .aes128CmSha1_80 ? 10 : 16))
        #expect(srtp != plain)
        #expect(try inbound.unprotectRTP(srtp) == plain)
    }

    @Test(arguments: SRTPProfile.allCases) func rtcpRoundTrip(profile: SRTPProfile) throws {
        let (out, inbound) = try Self.pair(profile)
        let srtcp = try out.protectRTCP(Self.rtcp)
        // E-bit + 31-bit SRTCP index, then the tag.
        #expect(srtcp.count == Self.rtcp.count + 4 + (profile == .aes128CmSha1_80 ? 10 : 16))
        #expect(try inbound.unprotectRTCP(srtcp) == Self.rtcp)
        let second = try out.protectRTCP(Self.rtcp)
        #expect(second != srtcp)  // next SRTCP index, different keystream
        #expect(try inbound.unprotectRTCP(second) == Self.rtcp)
    }

    @Test(arguments: SRTPProfile.allCases) func tamperedPacketFailsAuthentication(profile: SRTPProfile) throws {
        let (out, inbound) = try Self.pair(profile)
        var srtp = try out.protectRTP(rtpPacket(seq: 1, ssrc: 9, payload: [1, 2, 3, 4]))
        srtp[13] ^= 0x01
        #expect(errorText { try inbound.unprotectRTP(srtp) }
                == "unprotectRTP: authentication failed: srtp_err_status_auth_fail (7)")
        var srtcp = try out.protectRTCP(Self.rtcp)
        srtcp[10] ^= 0x80
        #expect(errorText { try inbound.unprotectRTCP(srtcp) }
                == "unprotectRTCP: authentication failed: srtp_err_status_auth_fail (7)")
    }

    @Test(arguments: SRTPProfile.allCases) func replayedPacketIsRejected(profile: SRTPProfile) throws {
        let (out, inbound) = try Self.pair(profile)
        let srtp = try out.protectRTP(rtpPacket(seq: 500, ssrc: 9, payload: [1, 2, 3]))
        _ = try inbound.unprotectRTP(srtp)
        #expect(errorText { try inbound.unprotectRTP(srtp) }
                == "unprotectRTP: replayed or too old packet: srtp_err_status_replay_fail (9)")
        let srtcp = try out.protectRTCP(Self.rtcp)
        _ = try inbound.unprotectRTCP(srtcp)
        #expect(errorText { try inbound.unprotectRTCP(srtcp) }
                == "unprotectRTCP: replayed or too old packet: srtp_err_status_replay_fail (9)")
    }

    @Test func packetBehindTheReplayWindowIsTooOld() throws {
        let (out, inbound) = try Self.pair(.aes128CmSha1_80)
        let old = try out.protectRTP(rtpPacket(seq: 1, ssrc: 9, payload: [1]))
        let new = try out.protectRTP(rtpPacket(seq: 1000, ssrc: 9, payload: [2]))
        _ = try inbound.unprotectRTP(new)
        #expect(errorText { try inbound.unprotectRTP(old) }
                == "unprotectRTP: replayed or too old packet: srtp_err_status_replay_old (10)")
    }

    @Test func sendingTheSameSequenceTwiceIsRefused() throws {
        let (out, _) = try Self.pair(.aes128CmSha1_80)
        _ = try out.protectRTP(rtpPacket(seq: 3, ssrc: 9, payload: [1]))
        #expect(errorText { try out.protectRTP(rtpPacket(seq: 3, ssrc: 9, payload: [1])) }
                == "protectRTP: replayed or too old packet: srtp_err_status_replay_fail (9)")
    }

    @Test(arguments: SRTPProfile.allCases) func truncatedPackets(profile: SRTPProfile) throws {
        let (out, inbound) = try Self.pair(profile)
        let tag = profile == .aes128CmSha1_80 ? 10 : 16
        #expect(errorText { try out.protectRTP([0x80, 0, 0]) }
                == "protectRTP: packet of 3 bytes is shorter than the minimum 12")
        #expect(errorText { try out.protectRTCP([0x80, 201, 0]) }
                == "protectRTCP: packet of 3 bytes is shorter than the minimum 8")
        let srtp = try out.protectRTP(rtpPacket(seq: 1, ssrc: 9, payload: [1, 2, 3]))
        #expect(errorText { try inbound.unprotectRTP(Array(srtp.prefix(12))) }
                == "unprotectRTP: packet of 12 bytes is shorter than the minimum \(12 + tag)")
        #expect(errorText { try inbound.unprotectRTP(Array(srtp.dropLast())) }
                == "unprotectRTP: authentication failed: srtp_err_status_auth_fail (7)")
        #expect(errorText { try inbound.unprotectRTCP(Array(Self.rtcp.prefix(8))) }
                == "unprotectRTCP: packet of 8 bytes is shorter than the minimum \(12 + tag)")
    }

    @Test(arguments: SRTPProfile.allCases) func manyPacketsAcrossASequenceWrap(profile: SRTPProfile) throws {
        let (out, inbound) = try Self.pair(profile)
        var seq: UInt16 = 64_900
        for i in 0..<1500 {
            let plain = rtpPacket(seq: seq, ssrc: 0xABCD, payload: [UInt8(truncatingIfNeeded: i), 0x55, 0xAA])
            let srtp = try out.protectRTP(plain)
            #expect(try inbound.unprotectRTP(srtp) == plain)
            seq &+= 1
        }
        #expect(seq == 864)
    }

    @Test func keyMaterialAndDirectionAreChecked() throws {
        #expect(errorText { try SRTPSession(profile: .aes128CmSha1_80, key: [1, 2], salt: [], direction: .outbound) }
                == "SRTP master key for SRTP_AES128_CM_SHA1_80 is 2 bytes, expected 16")
        #expect(errorText {
            try SRTPSession(profile: .aeadAes128Gcm, key: Array(repeating: 1, count: 16),
                            salt: Array(repeating: 1, count: 14), direction: .outbound)
        } == "SRTP master salt for SRTP_AEAD_AES_128_GCM is 14 bytes, expected 12")
        let (out, inbound) = try Self.pair(.aes128CmSha1_80)
        #expect(errorText { try out.unprotectRTP(Array(repeating: 0x80, count: 40)) }
                == "unprotectRTP is not allowed on an outbound SRTP session")
        #expect(errorText { try inbound.protectRTCP(Self.rtcp) }
                == "protectRTCP is not allowed on an inbound SRTP session")
    }

    @Test func differentKeysDoNotInteroperate() throws {
        let (out, _) = try Self.pair(.aeadAes128Gcm)
        let other = try SRTPSession(profile: .aeadAes128Gcm, key: Array(repeating: 9, count: 16),
                                    salt: Array(repeating: 9, count: 12), direction: .inbound)
        let srtp = try out.protectRTP(rtpPacket(seq: 1, ssrc: 9, payload: [1, 2, 3]))
        #expect(errorText { try other.unprotectRTP(srtp) }
                == "unprotectRTP: authentication failed: srtp_err_status_auth_fail (7)")
    }

    @Test func statusNames() {
        #expect(SRTPStatus(rawValue: 2).description == "srtp_err_status_bad_param (2)")
        #expect(SRTPStatus(rawValue: 27).name == "srtp_err_status_pkt_idx_adv")
        #expect(SRTPStatus(rawValue: 99).name == "srtp_err_status_unknown")
    }
}
