import SDP
import Testing

@Suite struct AnswerTests {
    private let ours: [UInt8] = Array(0..<32)
    private let oursHex = "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:"
        + "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F"

    private func parameters(address: String = "203.0.113.50", ssrc: UInt32? = 0x1122_3344,
                            cname: String? = "ivr") -> AnswerParameters {
        AnswerParameters(iceUfrag: "Ab3d", icePwd: "0123456789abcdefABCD+/", fingerprint: ours,
                         address: address, port: 40000, sessionID: 123, sessionVersion: 2, ssrc: ssrc, cname: cname)
    }

    private func answer(_ fixture: String, _ p: AnswerParameters? = nil) throws -> SessionDescription {
        let offer = try Fixtures.offer(fixture)
        return try AnswerBuilder.answer(to: offer, negotiation: try negotiate(offer), parameters: p ?? parameters())
    }

    @Test func whatsAppAnswerText() throws {
        let expected = [
            "v=0",
            "o=- 123 2 IN IP4 203.0.113.50",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE audio",
            "m=audio 40000 UDP/TLS/RTP/SAVPF 111 126",
            "c=IN IP4 203.0.113.50",
            "a=mid:audio",
            "a=ice-ufrag:Ab3d",
            "a=ice-pwd:0123456789abcdefABCD+/",
            "a=fingerprint:sha-256 \(oursHex)",
            "a=setup:active",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1;maxaveragebitrate=20000;maxplaybackrate=16000;sprop-maxcapturerate=16000",
            "a=rtpmap:126 telephone-event/8000",
            "a=ptime:20",
            "a=ssrc:287454020 cname:ivr",
            "a=candidate:1 1 udp 2130706431 203.0.113.50 40000 typ host",
            "a=end-of-candidates",
        ].map { $0 + "\r\n" }.joined()
        let offer = try Fixtures.offer("whatsapp-offer.sdp")
        let text = try AnswerBuilder.answerText(to: offer, negotiation: try negotiate(offer), parameters: parameters())
        #expect(text == expected)
    }

    @Test func whatsAppAnswerParsedBackFieldByField() throws {
        let built = try answer("whatsapp-offer.sdp")
        let text = built.serialized()
        let a = try SessionDescription(parsing: text)
        #expect(a == built)
        #expect(a.serialized() == text)
        #expect(!a.isICELite)
        #expect(!text.contains("ice-lite"))
        #expect(!text.contains("msid-semantic"))
        #expect(a.bundleMids == ["audio"])
        #expect(a.origin.sessionID == 123 && a.origin.sessionVersion == 2)
        let m = try #require(a.media.first)
        #expect(a.media.count == 1)
        #expect(m.port == 40000)
        #expect(m.formats == ["111", "126"])
        #expect(m.connection == Connection(addressType: "IP4", address: "203.0.113.50"))
        #expect(m.mid == "audio")
        #expect(m.iceUfrag == "Ab3d" && m.icePwd == "0123456789abcdefABCD+/")
        #expect(m.fingerprints == [.sha256(ours)])
        #expect(m.attributes(named: "fingerprint").count == 1)
        #expect(m.setup == .active)
        #expect(m.direction == .sendrecv)
        #expect(m.rtcpMux)
        #expect(m.rtpMaps.map(\.description) == ["111 opus/48000/2", "126 telephone-event/8000"])
        #expect(m.formatParameters(for: 111)?.value("useinbandfec") == "1")
        #expect(m.formatParameters(for: 111)?.value("minptime") == "10")
        #expect(m.extMaps == [ExtMap(id: 1, uri: ExtMap.audioLevelURI)])
        #expect(m.rtcpFeedback.isEmpty)
        #expect(m.ptime == 20)
        #expect(m.ssrcAttributes.map { "\($0.ssrc) \($0.attribute):\($0.value ?? "")" } == ["287454020 cname:ivr"])
        #expect(m.candidates == [Candidate(foundation: "1", component: 1, transport: "udp", priority: 2_130_706_431,
                                           address: "203.0.113.50", port: 40000, kind: .host)])
        #expect(m.endOfCandidates)
    }

    @Test func hostPriorityFormula() {
        #expect(AnswerBuilder.hostCandidatePriority == 126 << 24 + 65535 << 8 + 255)
        #expect(AnswerBuilder.hostCandidatePriority == 2_130_706_431)
        #expect(Candidate.priority(typePreference: 100, localPreference: 65535, component: 1) == 1_694_498_815)
    }

    @Test func ipv6AddressAndNoSSRCWithoutCNAME() throws {
        let a = try answer("whatsapp-offer.sdp", parameters(address: "2001:db8::5", cname: nil))
        #expect(a.origin.addressType == "IP6")
        let m = try #require(a.media.first)
        #expect(m.connection == Connection(addressType: "IP6", address: "2001:db8::5"))
        #expect(m.candidates.first?.address == "2001:db8::5")
        #expect(m.ssrcAttributes.isEmpty)
        #expect(a.serialized().contains("c=IN IP6 2001:db8::5\r\n"))
    }

    @Test func chromeOfferAnswer() throws {
        let a = try answer("chrome-offer.sdp")
        let m = try #require(a.media.first)
        #expect(a.bundleMids == ["0"])
        #expect(m.mid == "0")
        // Opus first, then the telephone-events in offer order (110 came before 126).
        #expect(m.formats == ["111", "110", "126"])
        #expect(m.rtpMaps.map(\.description)
            == ["111 opus/48000/2", "110 telephone-event/48000", "126 telephone-event/8000"])
        #expect(m.formatParameters.map(\.raw) == ["minptime=10;useinbandfec=1"])
        #expect(m.extMaps.map(\.id) == [1])
        #expect(m.setup == .active)
        #expect(!a.isICELite)
    }

    @Test func answerMirrorsDirectionAndRtcpMux() throws {
        var text = try Fixtures.whatsApp(replacing: 22, with: "a=sendonly")
        text = text.replacingOccurrences(of: "a=rtcp-mux\r\n", with: "")
        let offer = try SessionDescription(parsing: text)
        let n = try negotiate(offer)
        #expect(!n.rtcpMux)
        let m = try #require(try AnswerBuilder.answer(to: offer, negotiation: n, parameters: parameters()).media.first)
        #expect(m.direction == .recvonly)
        #expect(!m.rtcpMux)
    }

    @Test func telephoneEventFmtpIsEchoedButNoOtherCodecs() throws {
        let text = try Fixtures.text("whatsapp-offer.sdp")
            .replacingOccurrences(of: "UDP/TLS/RTP/SAVPF 111 126", with: "UDP/TLS/RTP/SAVPF 0 126 111 13")
            + "a=fmtp:126 0-15\r\na=rtpmap:13 CN/8000\r\n"
        let offer = try SessionDescription(parsing: text)
        let m = try #require(try AnswerBuilder.answer(to: offer, negotiation: try negotiate(offer),
                                                      parameters: parameters()).media.first)
        #expect(m.formats == ["111", "126"])
        #expect(m.formatParameters(for: 126)?.raw == "0-15")
        #expect(m.rtpMaps.map(\.payloadType) == [111, 126])
    }

    @Test func otherSectionsAreRejectedWithPortZero() throws {
        let whatsApp = try Fixtures.text("whatsapp-offer.sdp")
        let text = whatsApp.replacingOccurrences(of: "a=group:BUNDLE audio", with: "a=group:BUNDLE v audio")
            .replacingOccurrences(of: "m=audio", with: "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:v\r\nm=audio")
        let offer = try SessionDescription(parsing: text)
        let n = try negotiate(offer)
        #expect(n.mediaIndex == 1)
        let a = try AnswerBuilder.answer(to: offer, negotiation: n, parameters: parameters())
        #expect(a.media.map(\.kind) == ["video", "audio"])
        #expect(a.media[0].mediaLine == "video 0 UDP/TLS/RTP/SAVPF 96")
        #expect(a.media[0].mid == "v")
        #expect(a.bundleMids == ["audio"])
        #expect(a.media[1].port == 40000)
    }

    @Test func refusesBadParameters() throws {
        let offer = try Fixtures.offer("whatsapp-offer.sdp")
        let n = try negotiate(offer)
        func message(_ change: (inout AnswerParameters) -> Void) -> String? {
            var p = parameters()
            change(&p)
            return Fixtures.error { try AnswerBuilder.answer(to: offer, negotiation: n, parameters: p) }?.description
        }
        #expect(message { $0.address = "media.example" }
            == "answer parameter 'address': expected an IPv4 or IPv6 address, found 'media.example'")
        #expect(message { $0.port = 0 } == "answer parameter 'port': expected a port number (1-65535), found '0'")
        #expect(message { $0.fingerprint = [1, 2, 3] }
            == "answer parameter 'fingerprint': expected 32 sha-256 bytes, found '3 bytes'")
        #expect(message { $0.iceUfrag = "ab" }
            == "answer parameter 'iceUfrag': expected 4-256 ice-chars (A-Z a-z 0-9 + /), found 'ab'")
        #expect(message { $0.icePwd = "short" }
            == "answer parameter 'icePwd': expected 22-256 ice-chars (A-Z a-z 0-9 + /), found 'short'")
        #expect(message { $0.iceUfrag = "ab:cd" }
            == "answer parameter 'iceUfrag': expected 4-256 ice-chars (A-Z a-z 0-9 + /), found 'ab:cd'")
        #expect(message { $0.cname = "a b" }
            == "answer parameter 'cname': expected a non-empty token without spaces, found 'a b'")
    }

    @Test func fingerprintHelpers() {
        #expect(Fingerprint.formatHex([0x5A, 0x0c, 0xff]) == "5A:0C:FF")
        #expect(Fingerprint.parseHex("5a:0C:fF") == [0x5A, 0x0C, 0xFF])
        #expect(Fingerprint.parseHex("5A0C") == nil)
        #expect(Fingerprint.parseHex("5A::0C") == nil)
        #expect(Fingerprint.parseHex("") == nil)
        #expect(Fingerprint.parseHex("+A:0C") == nil)
        #expect(Fingerprint.hexEqual("ab:cd:EF", "AB:CD:ef"))
        #expect(!Fingerprint.hexEqual("AB:CD", "AB:CE"))
        let f = Fingerprint(attributeValue: "SHA-256 ab:CD")
        #expect(f == Fingerprint(algorithm: "sha-256", bytes: [0xAB, 0xCD]))
        #expect(f?.description == "sha-256 AB:CD")
        #expect(f?.matches(algorithm: "SHA-256", digest: [0xAB, 0xCD]) == true)
        #expect(Fingerprint(attributeValue: "sha-256") == nil)
    }
}
