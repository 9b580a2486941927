import SDP
import Testing

/// Reading WhatsApp's answer to our offer: the DTLS role the answer decides (RFC 8842 §5.3, RFC 4145
/// §4 for an absent `a=setup`), ICE as controlling, and precise refusals of answers that do not fit.
@Suite struct AnswerToOurOfferTests {
    static let offer = (try? OfferBuilder.offerText(parameters: OfferTests.parameters())) ?? ""

    /// Shaped like WhatsApp's answers (`c=` its media IP, ice-lite, host candidates, mid audio).
    static func whatsAppAnswer(setup: String? = "passive", mid: String = "audio", opus: String = "111",
                               extraSection: Bool = false) -> String {
        var lines = [
            "v=0", "o=- 7744 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-lite", "a=group:BUNDLE \(mid)",
            "m=audio 3480 UDP/TLS/RTP/SAVPF \(opus) 126", "c=IN IP4 192.0.2.17",
            "a=candidate:1 1 udp 2122260223 192.0.2.17 3480 typ host generation 0",
            "a=ice-ufrag:Qx7p", "a=ice-pwd:c2W9vVq0mJfk1rLzT8yHn4Ae",
            "a=fingerprint:sha-256 5A:2C:91:0E:7B:44:D3:18:6F:A0:C2:39:E5:7D:11:B8:90:4F:6C:2E:D7:A1:03:58:BC:E4:19:7F:60:2D:8A:C5",
        ]
        if let setup { lines.append("a=setup:\(setup)") }
        lines += ["a=mid:\(mid)", "a=sendrecv", "a=rtcp-mux", "a=rtpmap:\(opus) opus/48000/2",
                  "a=fmtp:\(opus) minptime=10;useinbandfec=1", "a=rtpmap:126 telephone-event/8000",
                  "a=ssrc:2912345678 cname:wa-audio-cname"]
        if extraSection { lines += ["m=video 0 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0"] }
        return lines.map { $0 + "\r\n" }.joined()
    }

    @Test func passiveAnswerMakesUsTheDTLSClient() throws {
        let a = try AnsweredAudio(answerText: Self.whatsAppAnswer(setup: "passive"), offerText: Self.offer)
        #expect(a.localIsDTLSClient)
        #expect(a.localIsICEControlling)
        #expect(a.remote.remoteIsICELite)
        #expect(a.remote.remoteICEUfrag == "Qx7p")
        #expect(a.remote.remoteCandidates.map(\.address) == ["192.0.2.17"])
        #expect(a.remote.opus.payloadType == 111 && a.remote.telephoneEvent?.payloadType == 126)
    }

    @Test func activeAnswerMakesUsTheDTLSServer() throws {
        let a = try AnsweredAudio(answerText: Self.whatsAppAnswer(setup: "active"), offerText: Self.offer)
        #expect(!a.localIsDTLSClient)
    }

    /// RFC 4145 §4: an answer without `a=setup` is passive.
    @Test func answerWithoutSetupIsPassive() throws {
        let a = try AnsweredAudio(answerText: Self.whatsAppAnswer(setup: nil), offerText: Self.offer)
        #expect(a.localIsDTLSClient)
    }

    @Test func actpassAndHoldconnInAnAnswerAreRefused() {
        for role in ["actpass", "holdconn"] {
            #expect(throws: SDPError.answerSetup(line: 7, found: role)) {
                try AnsweredAudio(answerText: Self.whatsAppAnswer(setup: role), offerText: Self.offer)
            }
        }
        let text = SDPError.answerSetup(line: 7, found: "actpass").description
        #expect(text == "the answer's audio m-line (line 7) has a=setup:actpass; expected active or passive (RFC 8842 §5.3)")
    }

    @Test func answersThatDoNotFitTheOfferAreRefused() {
        #expect(throws: SDPError.answerMismatch(line: 7, reason: "mid '0', we offered 'audio'")) {
            try AnsweredAudio(answerText: Self.whatsAppAnswer(mid: "0"), offerText: Self.offer)
        }
        #expect(throws: SDPError.answerMismatch(line: 7, reason: "Opus on payload type 109, we offered 111 126")) {
            try AnsweredAudio(answerText: Self.whatsAppAnswer(opus: "109"), offerText: Self.offer)
        }
        #expect(throws: SDPError.answerMismatch(line: 7, reason: "2 m-lines for the 1 offered (RFC 3264 §6 keeps the count)")) {
            try AnsweredAudio(answerText: Self.whatsAppAnswer(extraSection: true), offerText: Self.offer)
        }
    }

    /// What an offer may not say, an answer may not either: no fingerprint, no ICE password.
    @Test func answersMissingDTLSOrICEAreRefusedAsOffersAre() {
        let noPwd = Self.whatsAppAnswer().replacingOccurrences(of: "a=ice-pwd:c2W9vVq0mJfk1rLzT8yHn4Ae\r\n", with: "")
        #expect(throws: SDPError.missingICECredential(line: 7, attribute: "ice-pwd")) {
            try AnsweredAudio(answerText: noPwd, offerText: Self.offer)
        }
    }
}
