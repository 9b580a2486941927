import SDP
import Testing
import Wire

@Suite struct ParserTests {
    @Test func whatsAppSessionLevel() throws {
        let sdp = try Fixtures.offer("whatsapp-offer.sdp")
        #expect(sdp.origin == Origin(username: "-", sessionID: 4_611_731_400_430_051_336, sessionVersion: 2,
                                     networkType: "IN", addressType: "IP4", address: "127.0.0.1"))
        #expect(sdp.sessionName == "-")
        #expect(sdp.timing == nil || (sdp.timing?.start == 0 && sdp.timing?.stop == 0))
        #expect(sdp.timing != nil)
        #expect(sdp.isICELite)
        #expect(sdp.bundleMids == ["audio"])
        #expect(sdp.msidSemantic == " WMS wa-stream")
        #expect(sdp.fingerprints.isEmpty)
        #expect(sdp.media.count == 1)
    }

    @Test func whatsAppMediaSection() throws {
        let sdp = try Fixtures.offer("whatsapp-offer.sdp")
        let m = try #require(sdp.media.first)
        #expect(m.kind == "audio")
        #expect(m.port == 3480)
        #expect(m.proto == "UDP/TLS/RTP/SAVPF")
        #expect(m.formats == ["111", "126"])
        #expect(m.lineNumber == 8)
        #expect(m.connection == Connection(addressType: "IP4", address: "192.0.2.17"))
        #expect(m.mid == "audio")
        #expect(m.iceUfrag == "Qx7p")
        #expect(m.icePwd == "c2W9vVq0mJfk1rLzT8yHn4Ae")
        #expect(m.iceOptions == ["trickle"])
        #expect(m.setup == .actpass)
        #expect(m.direction == .sendrecv)
        #expect(m.rtcpMux)
        #expect(!m.endOfCandidates)
        #expect(m.ptime == nil && m.maxptime == nil)

        let expected: [UInt8] = [
            0x5A, 0x2C, 0x91, 0x0E, 0x7B, 0x44, 0xD3, 0x18, 0x6F, 0xA0, 0xC2, 0x39, 0xE5, 0x7D, 0x11, 0xB8,
            0x90, 0x4F, 0x6C, 0x2E, 0xD7, 0xA1, 0x03, 0x58, 0xBC, 0xE4, 0x19, 0x7F, 0x60, 0x2D, 0x8A, 0xC5,
        ]
        #expect(m.fingerprints == [Fingerprint(algorithm: "sha-256", bytes: expected)])
        #expect(sdp.fingerprints(for: m) == [Fingerprint.sha256(expected)])

        #expect(m.rtpMaps == [RTPMap(payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2),
                              RTPMap(payloadType: 126, encoding: "telephone-event", clockRate: 8000)])
        let fmtp = try #require(m.formatParameters(for: 111))
        #expect(fmtp.raw == "minptime=10;useinbandfec=1;maxaveragebitrate=20000;maxplaybackrate=16000;"
            + "sprop-maxcapturerate=16000")
        #expect(fmtp.parameters.map(\.name) == ["minptime", "useinbandfec", "maxaveragebitrate",
                                                "maxplaybackrate", "sprop-maxcapturerate"])
        #expect(fmtp.parameters.map(\.value) == ["10", "1", "20000", "16000", "16000"])
        #expect(fmtp.value("MaxPlaybackRate") == "16000")
        #expect(m.formatParameters(for: 126) == nil)
        #expect(m.rtcpFeedback.map { "\($0.payloadType.map(String.init) ?? "*") \($0.type)" } == ["111 transport-cc"])

        #expect(m.extMaps == [
            ExtMap(id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
            ExtMap(id: 3, uri: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
            ExtMap(id: 5, uri: "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
        ])
        #expect(m.ssrcAttributes.map(\.ssrc) == [2_912_345_678, 2_912_345_678])
        #expect(m.ssrcAttributes.map(\.attribute) == ["cname", "msid"])
        #expect(m.ssrcAttributes.map(\.value) == ["wa-audio-cname", "wa-stream wa-audio"])
    }

    @Test func whatsAppCandidates() throws {
        let m = try #require(try Fixtures.offer("whatsapp-offer.sdp").media.first)
        let c = m.candidates
        #expect(c.count == 2)
        #expect(c[0] == Candidate(foundation: "1", component: 1, transport: "udp", priority: 2_122_260_223,
                                  address: "192.0.2.17", port: 3480, kind: .host,
                                  extensions: [.init("generation", "0"), .init("network-id", "1")]))
        #expect(c[1].address == "2001:db8:31:2::a")
        #expect(c[1].port == c[0].port)
        #expect(c[1].priority == 2_122_262_783)
        #expect(c[1].extensionValue("network-id") == "2")
        #expect(c[0].transportAddress == TransportAddress(host: "192.0.2.17", port: 3480))
        #expect(c[1].ipAddress?.isIPv6 == true)
        #expect(c.allSatisfy { $0.isUDP && $0.kind == .host && $0.relatedAddress == nil })
    }

    @Test func whatsAppRoundTripIsByteExact() throws {
        let text = try Fixtures.text("whatsapp-offer.sdp")
        #expect(try SessionDescription(parsing: text).serialized() == text)
    }

    @Test func chromeRoundTripIsByteExact() throws {
        let text = try Fixtures.text("chrome-offer.sdp")
        #expect(try SessionDescription(parsing: text).serialized() == text)
    }

    @Test func lfLineEndingsParseAndSerialiseWithCRLF() throws {
        let crlf = try Fixtures.text("whatsapp-offer.sdp")
        let lf = crlf.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(!lf.contains("\r"))
        let sdp = try SessionDescription(parsing: lf)
        #expect(sdp == (try SessionDescription(parsing: crlf)))
        #expect(sdp.serialized() == crlf)
        // No final newline at all is fine too.
        #expect(try SessionDescription(parsing: String(lf.dropLast())).serialized() == crlf)
    }

    @Test func unknownLinesAndAttributesAreKept() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\ni=a session title\r\nt=0 0\r\nx=vendor thing\r\n"
            + "a=x-google-flag:conference\r\na=weird\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "i=audio title\r\nk=prompt\r\na=x-unknown:1 2 3\r\na=rtpmap:111 opus/48000/2\r\ny=media vendor\r\n"
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.lines.contains(.field(type: "x", value: "vendor thing")))
        #expect(sdp.lines.contains(.field(type: "i", value: "a session title")))
        #expect(sdp.attributes(named: "x-google-flag").first?.value == "conference")
        #expect(sdp.attributes(named: "weird") == [SDPAttribute("weird")])
        let m = try #require(sdp.media.first)
        #expect(m.lines.first == .field(type: "i", value: "audio title"))
        #expect(m.attributes(named: "x-unknown") == [SDPAttribute("x-unknown", "1 2 3")])
        #expect(m.lines.last == .field(type: "y", value: "media vendor"))
        #expect(sdp.serialized() == text)
    }

    @Test func chromeOfferFields() throws {
        let sdp = try Fixtures.offer("chrome-offer.sdp")
        #expect(!sdp.isICELite)
        #expect(sdp.bundleMids == ["0"])
        let m = try #require(sdp.media.first)
        #expect(m.mid == "0")
        #expect(m.fingerprints.isEmpty)
        #expect(sdp.fingerprints(for: m).map(\.algorithm) == ["sha-512", "sha-256"])
        #expect(m.candidates.count == 5)
        #expect(m.candidates[1].address == "3f2c9a10-5b7e-4d21-9c3a-6e8f0b1d2a47.local")
        #expect(m.candidates[1].ipAddress == nil)
        #expect(m.candidates[2].kind == .srflx)
        #expect(m.candidates[2].relatedAddress == "192.168.1.10")
        #expect(m.candidates[2].relatedPort == 50713)
        #expect(m.candidates[2].extensionValue("network-cost") == "10")
        #expect(m.candidates[4].extensions.first == .init("tcptype", "active"))
        #expect(m.offeredCodecs == ["111 opus/48000/2", "63 red/48000/2", "9 G722/8000", "0 PCMU/8000",
                                    "8 PCMA/8000", "13 CN/8000", "110 telephone-event/48000",
                                    "126 telephone-event/8000"])
        #expect(m.formatParameters(for: 63)?.parameters == [.init("111/111", nil)])
    }

    @Test func mediaLevelOverridesSessionLevel() throws {
        let session = "a=fingerprint:sha-256 " + Fingerprint.formatHex(Array(repeating: 0xAA, count: 32))
        let media = "a=fingerprint:sha-256 " + Fingerprint.formatHex(Array(repeating: 0xBB, count: 32))
        let text = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n\(session)\na=ice-ufrag:sess\na=ice-pwd:sessionpassword1234567890\n"
            + "a=setup:passive\na=recvonly\nc=IN IP6 ::1\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\n\(media)\na=ice-ufrag:medi\na=rtpmap:111 opus/48000/2\n"
            + "m=audio 10 UDP/TLS/RTP/SAVPF 111\na=sendonly\nc=IN IP4 192.0.2.1\n"
        let sdp = try SessionDescription(parsing: text)
        let (a, b) = (sdp.media[0], sdp.media[1])
        #expect(sdp.fingerprints(for: a).map(\.bytes) == [Array(repeating: 0xBB, count: 32)])
        #expect(sdp.fingerprints(for: b).map(\.bytes) == [Array(repeating: 0xAA, count: 32)])
        #expect(sdp.iceUfrag(for: a) == "medi")
        #expect(sdp.iceUfrag(for: b) == "sess")
        #expect(sdp.icePwd(for: a) == "sessionpassword1234567890")
        #expect(sdp.setup(for: a) == .passive)
        #expect(sdp.direction(for: a) == .recvonly)
        #expect(sdp.direction(for: b) == .sendonly)
        #expect(sdp.connection(for: a)?.address == "::1")
        #expect(sdp.connection(for: b) == Connection(address: "192.0.2.1"))
    }

    @Test func blankLinesAreSkippedAndNumberedCorrectly() throws {
        let text = "v=0\r\n\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio x RTP/AVP 0\r\n"
        #expect(Fixtures.error { try SessionDescription(parsing: text) }?.description
            == "line 5: 'm=audio x RTP/AVP 0': expected a port number, found 'x'")
    }
}
