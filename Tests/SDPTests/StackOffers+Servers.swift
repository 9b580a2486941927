/// Offers from servers: FreeSWITCH and WhatsApp. Written by hand; no file was copied.
extension StackOffers {
    static var servers: [StackOffer] { [freeswitchVerto, freeswitchVertoG711, freeswitchSDES, whatsApp] }

    /// FreeSWITCH 1.10 mod_verto calling a browser: `s=FreeSWITCH`, session-level `c=`, no `a=mid` (so no
    /// BUNDLE), fmtp parameters separated by "; ", `a=silenceSupp`, `a=ptime:20`, `a=rtcp` on the RTP port,
    /// a host candidate with `generation 0`, ssrc mslabel/label lines. Shape: FreeSWITCH's verto
    /// documentation and mod_verto SDP as shown in its community wiki.
    static let freeswitchVerto = StackOffer("FreeSWITCH 1.10 verto, no mid",
        .answered(opus: 111, events: [101], mid: nil, candidates: ["203.0.113.80"], lite: false), lines: [
        "v=0",
        "o=FreeSWITCH 1700050181 1700050182 IN IP4 203.0.113.80",
        "s=FreeSWITCH",
        "c=IN IP4 203.0.113.80",
        "t=0 0",
        "a=msid-semantic: WMS 6xT2bQ9wK3pLmN8vR4sY1cZ7",
        "m=audio 24568 UDP/TLS/RTP/SAVPF 111 0 8 9 101",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 useinbandfec=1; minptime=10; maxptime=40",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=silenceSupp:off - - - -",
        "a=ptime:20",
        "a=sendrecv",
        "a=fingerprint:sha-256 \(fp8)",
        "a=setup:actpass",
        "a=rtcp-mux",
        "a=rtcp:24568 IN IP4 203.0.113.80",
        "a=ice-ufrag:Tq8mWc3xRz5vLb1n",
        "a=ice-pwd:Hf6kJp2sNd9gYt4wQe7rUa0c",
        "a=candidate:4283563932 1 udp 2130706431 203.0.113.80 24568 typ host generation 0",
        "a=end-of-candidates",
        "a=ssrc:2730548432 cname:Vq1cRr8nXe4mUo6w",
        "a=ssrc:2730548432 msid:6xT2bQ9wK3pLmN8vR4sY1cZ7 a0",
        "a=ssrc:2730548432 mslabel:6xT2bQ9wK3pLmN8vR4sY1cZ7",
        "a=ssrc:2730548432 label:6xT2bQ9wK3pLmN8vR4sY1cZ7a0",
    ])

    /// FreeSWITCH verto with `codec-prefs=PCMU,PCMA`: static payload types listed without an rtpmap (RFC 3264
    /// lets them be implied) and no Opus. The reason names the static types from RFC 3551's table.
    static let freeswitchVertoG711 = StackOffer("FreeSWITCH verto, G.711 only, static types without rtpmap",
        .refused("the offer has no opus/48000/2 payload type; offered: 0 PCMU/8000, 8 PCMA/8000, "
                 + "101 telephone-event/8000"), lines: [
        "v=0",
        "o=FreeSWITCH 1700050300 1700050301 IN IP4 203.0.113.80",
        "s=FreeSWITCH",
        "c=IN IP4 203.0.113.80",
        "t=0 0",
        "m=audio 24570 UDP/TLS/RTP/SAVPF 0 8 101",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendrecv",
        "a=fingerprint:sha-256 \(fp8)",
        "a=setup:actpass",
        "a=rtcp-mux",
        "a=ice-ufrag:Tq8mWc3xRz5vLb1n",
        "a=ice-pwd:Hf6kJp2sNd9gYt4wQe7rUa0c",
        "a=candidate:4283563933 1 udp 2130706431 203.0.113.80 24570 typ host generation 0",
    ])

    /// FreeSWITCH over SIP (mod_sofia) with SDES keys (`a=crypto`, `RTP/SAVP`): not DTLS-SRTP, which is all
    /// WhatsApp speaks and all we answer.
    static let freeswitchSDES = StackOffer("FreeSWITCH sofia SIP, SDES-SRTP",
        .refused("the offer's audio m-line (line 6) is not DTLS-SRTP: proto is 'RTP/SAVP', expected 'UDP/TLS/RTP/SAVPF'"),
        lines: [
        "v=0",
        "o=FreeSWITCH 1700050400 1700050401 IN IP4 203.0.113.80",
        "s=FreeSWITCH",
        "c=IN IP4 203.0.113.80",
        "t=0 0",
        "m=audio 16384 RTP/SAVP 111 0 8 101",
        "a=rtpmap:111 opus/48000/2",
        "a=rtpmap:101 telephone-event/8000",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
        "a=ptime:20",
        "a=sendrecv",
    ])

    /// WhatsApp's own offer (a user calling the business), as /work/shared/whatsapp-calling.md §3 describes it:
    /// `a=ice-lite`, BUNDLE of mid `audio`, host IPv4 and IPv6 candidates on one port, no trickle, Opus 111
    /// with the 16 kHz fmtp implementers report, telephone-event/8000 on 126, three header extensions.
    static let whatsApp = StackOffer("WhatsApp user-initiated call (ice-lite)",
        .answered(opus: 111, events: [126], mid: "audio", candidates: ["157.240.20.51", "2a03:2880:f231:c5:face:b00c:0:167"],
                  lite: true), lines: [
        "v=0",
        "o=- 1719847102 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=ice-lite",
        "a=group:BUNDLE audio",
        "a=msid-semantic: WMS wa-stream",
        "m=audio 3480 UDP/TLS/RTP/SAVPF 111 126",
        "c=IN IP4 157.240.20.51",
        "a=rtcp:3480 IN IP4 157.240.20.51",
        "a=candidate:1 1 udp 2122260223 157.240.20.51 3480 typ host generation 0",
        "a=candidate:2 1 udp 2122262783 2a03:2880:f231:c5:face:b00c:0:167 3480 typ host generation 0",
        "a=ice-ufrag:Wa7c",
        "a=ice-pwd:pX4nR8tV2yB6dF0hJ3lN7qS1",
        "a=fingerprint:sha-256 \(fp2)",
        "a=setup:actpass",
        "a=mid:audio",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "a=sendrecv",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=rtcp-fb:111 transport-cc",
        "a=fmtp:111 maxaveragebitrate=20000;maxplaybackrate=16000;minptime=20;sprop-maxcapturerate=16000;useinbandfec=1",
        "a=rtpmap:126 telephone-event/8000",
        "a=maxptime:20",
        "a=ptime:20",
        "a=ssrc:1923847561 cname:wa-audio",
        "a=ssrc:1923847561 msid:wa-stream wa-audio",
    ])
}
