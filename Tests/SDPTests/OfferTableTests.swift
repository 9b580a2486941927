import Foundation
import SDP
import Testing

/// Offers from real stacks (see `StackOffer` and `StackOffers+*.swift`): each is answered — strictly, whatever
/// liberties the offer took — or refused with a precise reason.
@Suite struct OfferTableTests {
    static let ours = AnswerParameters(iceUfrag: "Ab3dEf7h", icePwd: "0123456789abcdefABCD+/xy",
                                       fingerprint: Array(repeating: 0xA5, count: 32), address: "192.0.2.1",
                                       port: 40_000, sessionID: 7, ssrc: 1_234_567, cname: "ivrd-cname")

    @Test(arguments: StackOffer.all)
    func offer(_ stack: StackOffer) throws {
        let offer = try SessionDescription(parsing: stack.sdp)
        switch stack.expect {
        case let .refused(reason):
            let error = Fixtures.error { try negotiate(offer) }
            #expect(error?.description == reason)
        case let .answered(opus, events, mid, candidates, lite):
            let n = try negotiate(offer)
            #expect(n.opus.payloadType == opus)
            #expect(n.mid == mid)
            #expect(n.remoteCandidates.map(\.address) == candidates)
            #expect(n.remoteIsICELite == lite)
            #expect(n.remoteFingerprint.algorithm == "sha-256")
            let text = try AnswerBuilder.answerText(to: offer, negotiation: n, parameters: Self.ours)
            try checkAnswer(text, offer: offer, negotiation: n, opus: opus, events: events)
        }
    }

    /// Strict in what we send: one audio section with the canonical rtpmaps, every other section rejected
    /// with port 0 (RFC 3264 §6), our DTLS client role, no ice-lite, and small enough for one datagram.
    func checkAnswer(_ text: String, offer: SessionDescription, negotiation n: AudioNegotiation,
                     opus: UInt8, events: [UInt8]) throws {
        #expect(text.utf8.count <= 1200, "answer of \(text.utf8.count) bytes")
        let answer = try SessionDescription(parsing: text)
        #expect(answer.media.count == offer.media.count)
        for (index, (section, offered)) in zip(answer.media, offer.media).enumerated() {
            #expect(section.kind == offered.kind)
            if index == n.mediaIndex {
                #expect(section.port == Self.ours.port)
                #expect(section.proto == "UDP/TLS/RTP/SAVPF")
                #expect(section.formats == ([opus] + events).map { "\($0)" })
            } else {
                #expect(section.port == 0, "section \(index) (\(offered.kind)) is rejected")
            }
        }
        let audio = answer.media[n.mediaIndex]
        let maps = audio.rtpMaps.map(\.description)
        #expect(maps.first == "\(opus) opus/48000/2")
        for (pt, map) in zip(events, maps.dropFirst()) {
            #expect(map.hasPrefix("\(pt) telephone-event/"))
            #expect(map.split(separator: "/").count == 2, "no channel count on \(map)")
        }
        #expect(audio.setup == .active)
        #expect(audio.fingerprints == [.sha256(Self.ours.fingerprint)])
        #expect(!answer.isICELite)
        #expect(answer.bundleMids == n.mid.map { [$0] })
        #expect(audio.direction == .sendrecv)
        #expect(audio.rtcpMux == offer.media[n.mediaIndex].rtcpMux)
    }

    @Test func theGStreamerOfferUsedToBeRefusedAndIsNowAnsweredAsOpusStereo() throws {
        let offer = try SessionDescription(parsing: StackOffers.gstreamer.sdp)
        let map = try #require(offer.media[0].rtpMap(for: 111))
        #expect(map.description == "111 OPUS/48000")
        #expect(map.channels == nil)
        #expect(map.effectiveChannels == 2)
        #expect(map.isCodec("opus", clockRate: 48000, channels: 2))
        // Other codecs keep RFC 8866's default of one channel.
        #expect(RTPMap(payloadType: 0, encoding: "PCMU", clockRate: 8000).effectiveChannels == 1)
        #expect(!RTPMap(payloadType: 9, encoding: "G722", clockRate: 8000).isCodec("G722", clockRate: 8000, channels: 2))
        // An explicit mono Opus is not RFC 7587's opus/48000/2.
        let mono = try SessionDescription(parsing: StackOffers.gstreamer.sdp
            .replacingOccurrences(of: "OPUS/48000", with: "opus/48000/1"))
        #expect(Fixtures.error { try negotiate(mono) }?.description
            == "the offer has no opus/48000/2 payload type; offered: 111 opus/48000/1")
    }

    @Test func linkLocalCandidatesAreRecognised() throws {
        func candidate(_ address: String) -> Candidate {
            Candidate(foundation: "1", component: 1, priority: 1, address: address, port: 9, kind: .host)
        }
        #expect(candidate("169.254.10.20").isLinkLocal)
        #expect(candidate("fe80::1c4f:9eff:fe2a:4b1").isLinkLocal)
        #expect(candidate("fe80::1%eth0").isLinkLocal)
        #expect(candidate("febf::1").isLinkLocal)
        #expect(!candidate("fec0::1").isLinkLocal)
        #expect(!candidate("192.168.1.2").isLinkLocal)
        #expect(!candidate("2001:db8::1").isLinkLocal)
        #expect(!candidate("host.local").isLinkLocal)
    }

    @Test func attributeNamesWithTrailingSpacesStillCount() throws {
        let text = StackOffers.pion.sdp.replacingOccurrences(of: "a=rtcp-mux\r\n", with: "a=rtcp-mux \r\n")
            .replacingOccurrences(of: "a=sendrecv\r\n", with: "a=recvonly \r\n")
        let n = try negotiate(try SessionDescription(parsing: text))
        #expect(n.rtcpMux)
        #expect(n.answerDirection == .sendonly)
    }
}
