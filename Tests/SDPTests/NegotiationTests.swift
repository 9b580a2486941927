import SDP
import Testing

@Suite struct NegotiationTests {
    private let whatsAppFingerprint: [UInt8] = [
        0x5A, 0x2C, 0x91, 0x0E, 0x7B, 0x44, 0xD3, 0x18, 0x6F, 0xA0, 0xC2, 0x39, 0xE5, 0x7D, 0x11, 0xB8,
        0x90, 0x4F, 0x6C, 0x2E, 0xD7, 0xA1, 0x03, 0x58, 0xBC, 0xE4, 0x19, 0x7F, 0x60, 0x2D, 0x8A, 0xC5,
    ]

    @Test func whatsAppOffer() throws {
        let n = try negotiate(try Fixtures.offer("whatsapp-offer.sdp"))
        #expect(n.mediaIndex == 0)
        #expect(n.mid == "audio")
        #expect(n.opus.payloadType == 111)
        #expect(n.opus.rtpMap == RTPMap(payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2))
        #expect(n.opus.formatParameters?.value("useinbandfec") == "1")
        #expect(n.opus.formatParameters?.value("maxplaybackrate") == "16000")
        #expect(n.opus.formatParameters?.parameters.count == 5)
        #expect(n.telephoneEvent?.payloadType == 126)
        #expect(n.telephoneEvent?.rtpMap.clockRate == 8000)
        #expect(n.telephoneEvent48000 == nil)
        #expect(n.remoteICEUfrag == "Qx7p")
        #expect(n.remoteICEPwd == "c2W9vVq0mJfk1rLzT8yHn4Ae")
        #expect(n.remoteICEOptions == ["trickle"])
        #expect(n.remoteIsICELite)
        #expect(n.remoteFingerprint == .sha256(whatsAppFingerprint))
        #expect(n.remoteSetup == .actpass)
        #expect(n.remoteCandidates.map(\.address) == ["192.0.2.17", "2001:db8:31:2::a"])
        #expect(n.remoteCandidates.map(\.port) == [3480, 3480])
        #expect(n.remoteConnectionAddress == "192.0.2.17")
        #expect(n.remotePort == 3480)
        #expect(n.remoteSSRC == 2_912_345_678)
        #expect(n.remoteCNAME == "wa-audio-cname")
        #expect(n.audioLevelExtensionID == 1)
        #expect(n.rtcpMux)
        #expect(n.offerDirection == .sendrecv)
        #expect(n.answerDirection == .sendrecv)
        #expect(n.ptime == nil)
    }

    @Test func chromeOffer() throws {
        let n = try AudioNegotiation(offer: try Fixtures.offer("chrome-offer.sdp"))
        #expect(n.mid == "0")
        #expect(n.opus.payloadType == 111)
        #expect(n.opus.formatParameters?.raw == "minptime=10;useinbandfec=1")
        #expect(n.telephoneEvent?.payloadType == 126)
        #expect(n.telephoneEvent48000?.payloadType == 110)
        #expect(!n.remoteIsICELite)
        #expect(n.remoteSetup == .actpass)
        // The session-level sha-256 one is chosen over the sha-512 listed first.
        #expect(n.remoteFingerprint.algorithm == "sha-256")
        #expect(n.remoteFingerprint.bytes.count == 32)
        // Component 2 and TCP candidates are dropped; the mDNS name stays a string.
        #expect(n.remoteCandidates.map(\.address)
            == ["192.168.1.10", "3f2c9a10-5b7e-4d21-9c3a-6e8f0b1d2a47.local", "203.0.113.7"])
        #expect(n.remoteSSRC == 3_735_928_559)
        #expect(n.remoteCNAME == "Vb7tZq2LmX9wKc4R")
        #expect(n.audioLevelExtensionID == 1)
    }

    @Test func directionComplement() throws {
        for (offered, answer) in [("sendonly", MediaDirection.recvonly), ("recvonly", .sendonly),
                                  ("inactive", .inactive), ("sendrecv", .sendrecv)] {
            let text = try Fixtures.whatsApp(replacing: 22, with: "a=\(offered)")
            let n = try negotiate(try SessionDescription(parsing: text))
            #expect(n.answerDirection == answer)
        }
        // No direction attribute at all means sendrecv.
        let none = try Fixtures.whatsApp(replacing: 22, with: nil)
        #expect(try negotiate(try SessionDescription(parsing: none)).offerDirection == .sendrecv)
    }

    @Test func skipsRejectedAudioForALaterOne() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\n"
            + (try Fixtures.text("whatsapp-offer.sdp")).split(separator: "\r\n").dropFirst(7)
                .map { "\($0)\r\n" }.joined()
        let n = try negotiate(try SessionDescription(parsing: text))
        #expect(n.mediaIndex == 1)
        #expect(n.remoteIsICELite == false)
    }

    // MARK: Refusals

    private func refusal(_ line: Int, _ replacement: String?) throws -> String? {
        let offer = try SessionDescription(parsing: try Fixtures.whatsApp(replacing: line, with: replacement))
        return Fixtures.error { try negotiate(offer) }?.description
    }

    @Test func refusesAudioWithoutOpus() throws {
        let text = try Fixtures.text("whatsapp-offer.sdp")
            .replacingOccurrences(of: "UDP/TLS/RTP/SAVPF 111 126", with: "UDP/TLS/RTP/SAVPF 0 8 96 126")
            .replacingOccurrences(of: "a=rtpmap:111 opus/48000/2", with: "a=rtpmap:96 opus/48000/1")
        let offer = try SessionDescription(parsing: text)
        #expect(Fixtures.error { try negotiate(offer) }
            == .noOpus(offered: ["0 PCMU/8000", "8 PCMA/8000", "96 opus/48000/1", "126 telephone-event/8000"]))
        #expect(Fixtures.error { try negotiate(offer) }?.description
            == "the offer has no opus/48000/2 payload type; offered: 0 PCMU/8000, 8 PCMA/8000, "
                + "96 opus/48000/1, 126 telephone-event/8000")
    }

    @Test func refusesOfferWithoutAudio() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
        let offer = try SessionDescription(parsing: text)
        #expect(Fixtures.error { try negotiate(offer) }?.description
            == "the offer has no audio m-line; offered: video, application")
        let empty = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n")
        #expect(Fixtures.error { try negotiate(empty) }?.description == "the offer has no audio m-line; offered: none")
    }

    @Test func refusesRejectedAudio() throws {
        #expect(try refusal(8, "m=audio 0 UDP/TLS/RTP/SAVPF 111 126")
            == "the offer's audio m-line (line 8) has port 0: the offerer rejected the audio")
    }

    @Test func refusesPlainRTP() throws {
        #expect(try refusal(8, "m=audio 3480 RTP/AVP 111 126")
            == "the offer's audio m-line (line 8) is not DTLS-SRTP: proto is 'RTP/AVP', expected 'UDP/TLS/RTP/SAVPF'")
    }

    @Test func refusesMissingFingerprint() throws {
        #expect(try refusal(16, nil)
            == "the offer's audio m-line (line 8) is not DTLS-SRTP: no a=fingerprint at media or session level")
    }

    @Test func refusesOtherFingerprintAlgorithms() throws {
        let sha1 = "a=fingerprint:sha-1 " + Fingerprint.formatHex(Array(repeating: 7, count: 20))
        #expect(try refusal(16, sha1)
            == "the offer's audio m-line (line 8) has no sha-256 fingerprint; found: sha-1; only sha-256 is accepted")
        #expect(try refusal(16, "a=fingerprint:SHA-256 5A:2C")
            == "the offer's audio m-line (line 8) has a sha-256 fingerprint of 2 bytes, expected 32")
    }

    @Test func upperCaseAlgorithmAndLowerCaseHexAreAccepted() throws {
        let line = "a=fingerprint:SHA-256 " + Fingerprint.formatHex(whatsAppFingerprint).lowercased()
        let offer = try SessionDescription(parsing: try Fixtures.whatsApp(replacing: 16, with: line))
        #expect(try negotiate(offer).remoteFingerprint == .sha256(whatsAppFingerprint))
    }

    @Test func refusesMissingICECredentials() throws {
        #expect(try refusal(13, nil) == "the offer's audio m-line (line 8) has no a=ice-ufrag at media or session level")
        #expect(try refusal(14, nil) == "the offer's audio m-line (line 8) has no a=ice-pwd at media or session level")
    }

    @Test func refusesSetupThatLeavesUsTheServerRole() throws {
        #expect(try refusal(17, "a=setup:active")
            == "the offer's audio m-line (line 8) has a=setup:active; expected actpass or passive "
                + "(we are always the DTLS client, setup:active)")
        let passive = try SessionDescription(parsing: try Fixtures.whatsApp(replacing: 17, with: "a=setup:passive"))
        #expect(try negotiate(passive).remoteSetup == .passive)
    }

    @Test func builtOfferHasNoLineNumberInMessages() {
        let offer = SessionDescription(origin: Origin(sessionID: 1, sessionVersion: 1, address: "0.0.0.0"),
                                       media: [MediaDescription(kind: "audio", port: 0, proto: "UDP/TLS/RTP/SAVPF",
                                                                formats: ["111"])])
        #expect(Fixtures.error { try negotiate(offer) }?.description
            == "the offer's audio m-line has port 0: the offerer rejected the audio")
    }
}
