/// Offers from WebRTC libraries, written by hand from each library's documented output (its examples,
/// tests and issue reports); no file was copied.
extension StackOffers {
    static var libraries: [StackOffer] { [gstreamer, aiortc, pion] }

    /// GStreamer 1.22 webrtcbin (libnice underneath), as reported in this project's issue 20: the Opus rtpmap in
    /// upper case and without a channel count (`OPUS/48000`, from the caps' `encoding-name=OPUS`), the mid
    /// `audio0`, `sprop-*` fmtp, ssrc lines with `msid:user…@host-…`, trickle ICE. Written with LF line ends.
    /// Shape: gst-examples webrtc/sendrecv and the webrtcbin element documentation.
    static let gstreamer = StackOffer("GStreamer 1.22 webrtcbin, OPUS/48000 without channels",
        .answered(opus: 111, events: [], mid: "audio0", candidates: [], lite: false), lfLines: [
        "v=0",
        "o=- 1311094487146325483 0 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=ice-options:trickle",
        "a=group:BUNDLE audio0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        "a=setup:actpass",
        "a=ice-ufrag:zS5fL0hTqPq8bN3cYv7Wk2mJ4rD1xG6e",
        "a=ice-pwd:Uu2Hh9Jj4Kk7Ll0Mm3Nn6Oo1Pp5Qq8Rr",
        "a=rtcp-mux-only",
        "a=rtcp-rsize",
        "a=sendrecv",
        "a=rtpmap:111 OPUS/48000",
        "a=rtcp-fb:111 nack pli",
        "a=fmtp:111 sprop-maxcapturerate=48000;sprop-stereo=0",
        "a=ssrc:3484078952 msid:user3930961479@host-f3a3c9b webrtctransceiver0",
        "a=ssrc:3484078952 cname:user3930961479@host-f3a3c9b",
        "a=mid:audio0",
        "a=fingerprint:sha-256 \(fp5)",
    ])

    /// aiortc 1.16 (aioice): candidates inline (host IPv4 and an IPv6 ULA), `a=end-of-candidates`, three
    /// fingerprints (sha-256, sha-384, sha-512), Opus on payload type 96, `a=rtcp:9`, ssrc cname.
    /// Shape: aiortc's `RTCPeerConnection.createOffer()` as its examples print it.
    static let aiortc = StackOffer("aiortc 1.16, inline candidates, three fingerprints",
        .answered(opus: 96, events: [], mid: "0", candidates: ["192.0.2.2", "fd00::2"], lite: false), lines: [
        "v=0",
        "o=- 3903451827 3903451827 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=msid-semantic:WMS *",
        "m=audio 40213 UDP/TLS/RTP/SAVPF 96 9 0 8",
        "c=IN IP4 192.0.2.2",
        "a=sendrecv",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "a=mid:0",
        "a=msid:8d1f3a5c-7e9b-4d2f-a6c8-0e1b3d5f7a9c 2f4a6c8e-0b2d-4f6a-8c0e-2b4d6f8a0c2e",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=rtcp-mux",
        "a=ssrc:2208735113 cname:6e0a2c4d-8f1b-4a3c-9e5d-7f0b2d4a6c8e",
        "a=rtpmap:96 opus/48000/2",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=candidate:5b0c7e2f9a1d3c4e6f8a0b2c4d6e8f0a 1 udp 2130706431 192.0.2.2 40213 typ host",
        "a=candidate:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b 1 udp 2130706431 fd00::2 51877 typ host",
        "a=end-of-candidates",
        "a=ice-ufrag:Kq7Z",
        "a=ice-pwd:w3Rt9YpLm2Vx6Bn8Cq4Dz1",
        "a=fingerprint:sha-256 \(fp6)",
        "a=fingerprint:sha-384 ED:F8:EA:50:18:0E:F8:5A:A3:EB:D6:43:49:EF:E9:24:B4:D0:D8:2B:C9:F3:F0:D4:"
            + "79:8C:69:59:13:2D:0C:A0:17:14:A3:04:D9:B4:86:28:AE:21:6F:90:35:7B:0D:DD",
        "a=fingerprint:sha-512 94:2B:38:3A:F6:92:30:88:D2:ED:47:7F:AB:B0:B4:D3:2E:C1:B5:21:A8:21:94:3D:"
            + "3A:85:1E:C9:07:65:7A:3C:38:05:04:38:03:FD:E6:48:96:84:77:55:C2:B7:62:80:52:21:8D:D6:1A:69:63:"
            + "C4:89:1C:D7:49:FA:B7:A9:15",
        "a=setup:actpass",
    ])

    /// Pion WebRTC v4: session-level fingerprint and `a=extmap-allow-mixed`, candidates at the end of the
    /// section with IPv6 first, a component-2 twin of each host candidate and a passive TCP candidate.
    /// Shape: pion/webrtc's examples (play-from-disk, reflect) and its SDP tests.
    static let pion = StackOffer("Pion v4, IPv6 first, component 2 and TCP candidates",
        .answered(opus: 111, events: [], mid: "0", candidates: ["2001:db8:7::20", "192.168.7.20"], lite: false), lines: [
        "v=0",
        "o=- 6734937431928421231 1732000000 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=msid-semantic:WMS*",
        "a=fingerprint:sha-256 \(fp7)",
        "a=extmap-allow-mixed",
        "a=group:BUNDLE 0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8",
        "c=IN IP4 0.0.0.0",
        "a=setup:actpass",
        "a=mid:0",
        "a=ice-ufrag:WbQyNfHcLkRtPsVm",
        "a=ice-pwd:GdJxKzMqTnBvCwEyFuHiAoSpLr",
        "a=rtcp-mux",
        "a=rtcp-rsize",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=rtcp-fb:111 transport-cc ",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=extmap:1 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "a=ssrc:2981163251 cname:pion",
        "a=ssrc:2981163251 msid:pion audio",
        "a=msid:pion audio",
        "a=sendrecv",
        "a=candidate:1966762133 1 udp 2130706431 2001:db8:7::20 38492 typ host",
        "a=candidate:1966762133 2 udp 2130706431 2001:db8:7::20 38492 typ host",
        "a=candidate:2837162983 1 udp 2130706431 192.168.7.20 51201 typ host",
        "a=candidate:2837162983 2 udp 2130706431 192.168.7.20 51201 typ host",
        "a=candidate:233762139 1 tcp 1671430143 192.168.7.20 9 typ host tcptype passive",
        "a=end-of-candidates",
    ])
}
