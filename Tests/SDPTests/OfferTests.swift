import SDP
import Testing

/// Our offer for a business-initiated call: exact text, a byte-exact round trip, and that our own
/// answerer (the other side of the same rules) accepts it and keeps WhatsApp's shape.
@Suite struct OfferTests {
    static let ours: [UInt8] = Array(0..<32)
    static let oursHex = "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:"
        + "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F"

    static func parameters(address: String = "203.0.113.50") -> OfferParameters {
        OfferParameters(iceUfrag: "Ab3d", icePwd: "0123456789abcdefABCD+/", fingerprint: ours, address: address,
                        port: 40000, sessionID: 123, sessionVersion: 2, ssrc: 0x1122_3344, cname: "ivr")
    }

    @Test func whatsAppShapedOfferText() throws {
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
            "a=fingerprint:sha-256 \(Self.oursHex)",
            "a=setup:actpass",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:126 telephone-event/8000",
            "a=fmtp:126 0-16",
            "a=ptime:20",
            "a=ssrc:287454020 cname:ivr",
            "a=candidate:1 1 udp 2130706431 203.0.113.50 40000 typ host",
            "a=end-of-candidates",
        ].map { $0 + "\r\n" }.joined()
        #expect(try OfferBuilder.offerText(parameters: Self.parameters()) == expected)
    }

    @Test func roundTripIsByteExactAndNeverICELite() throws {
        let built = try OfferBuilder.offer(parameters: Self.parameters())
        let text = built.serialized()
        let parsed = try SessionDescription(parsing: text)
        #expect(parsed == built)
        #expect(parsed.serialized() == text)
        #expect(!parsed.isICELite)
        #expect(parsed.bundleMids == ["audio"])
        #expect(parsed.setup(for: parsed.media[0]) == .actpass)
    }

    /// The offer is one a WebRTC answerer can take: our own (liberal) negotiation reads it in full.
    @Test func ourOwnNegotiationReadsTheOffer() throws {
        let n = try negotiate(try OfferBuilder.offer(parameters: Self.parameters()))
        #expect(n.opus.payloadType == 111)
        #expect(n.telephoneEvent?.payloadType == 126)
        #expect(n.mid == "audio")
        #expect(n.remoteSetup == .actpass)
        #expect(n.remoteFingerprint == .sha256(Self.ours))
        #expect(n.remoteCandidates.map(\.port) == [40000])
        #expect(n.rtcpMux && n.offerDirection == .sendrecv)
    }

    @Test func ipv6AddressAndBothTelephoneEventRates() throws {
        var options = OfferOptions.whatsApp
        options.telephoneEvents.append(.init(payloadType: 110, clockRate: 48000))
        let text = try OfferBuilder.offerText(options, parameters: Self.parameters(address: "2001:db8::5"))
        #expect(text.contains("o=- 123 2 IN IP6 2001:db8::5\r\n"))
        #expect(text.contains("m=audio 40000 UDP/TLS/RTP/SAVPF 111 126 110\r\n"))
        #expect(text.contains("a=rtpmap:110 telephone-event/48000\r\n"))
    }

    @Test func unusableOptionsAreRefusedPrecisely() {
        var staticPT = OfferOptions.whatsApp
        staticPT.opusPayloadType = 0
        #expect(throws: SDPError.invalidParameter(field: "payloadType", expected: "a dynamic payload type (96-127)", found: "0")) {
            try OfferBuilder.offer(staticPT, parameters: Self.parameters())
        }
        var clash = OfferOptions.whatsApp
        clash.telephoneEvents = [.init(payloadType: 111, clockRate: 8000)]
        #expect(throws: SDPError.invalidParameter(field: "payloadType", expected: "distinct payload types", found: "111 111")) {
            try OfferBuilder.offer(clash, parameters: Self.parameters())
        }
        var p = Self.parameters()
        p.port = 0
        #expect(throws: SDPError.invalidParameter(field: "port", expected: "a port number (1-65535)", found: "0")) {
            try OfferBuilder.offer(parameters: p)
        }
    }
}
