/// What we take from a remote offer for its one audio m-line: everything the media session needs to run
/// ICE (as a full agent), DTLS-SRTP (as the client) and Opus/RFC 4733 RTP, and everything the
/// answer must mirror. Build one with `negotiate(_:)`.
public struct AudioNegotiation: Sendable, Hashable {
    /// A payload type chosen from the offer, with its rtpmap and fmtp as offered.
    public struct Codec: Sendable, Hashable {
        public var payloadType: UInt8
        public var rtpMap: RTPMap
        /// The offer's fmtp for this payload type, if any (ordered parameters plus the raw text).
        public var formatParameters: FormatParameters?

        public init(payloadType: UInt8, rtpMap: RTPMap, formatParameters: FormatParameters? = nil) {
            self.payloadType = payloadType
            self.rtpMap = rtpMap
            self.formatParameters = formatParameters
        }
    }

    /// Index of the audio section in `offer.media`.
    public var mediaIndex: Int
    /// The offer's `a=mid` for the audio section (`audio` for WhatsApp, `0` for browsers); nil if absent.
    public var mid: String?
    /// The Opus payload type, e.g. 111: `opus/48000/2`, the encoding name in any case and the channel
    /// count optional (`OPUS/48000` from GStreamer 1.22 is the same codec).
    public var opus: Codec
    /// `telephone-event/8000`, if offered (WhatsApp: 126).
    public var telephoneEvent: Codec?
    /// `telephone-event/48000`, if offered.
    public var telephoneEvent48000: Codec?
    /// The remote ICE credentials (media level, else session level).
    public var remoteICEUfrag: String
    public var remoteICEPwd: String
    /// The remote `a=ice-options` tokens (e.g. `trickle`).
    public var remoteICEOptions: [String]
    /// Whether the remote agent is ice-lite (WhatsApp is): then we are the controlling agent.
    public var remoteIsICELite: Bool
    /// The remote certificate's sha-256 fingerprint (32 bytes).
    public var remoteFingerprint: Fingerprint
    /// The remote `a=setup` (actpass or passive; nil when the offer has none). We answer `active`.
    public var remoteSetup: SetupRole?
    /// The remote candidates usable by us: component 1, UDP, not link-local, in offer order. Addresses may be
    /// hostnames (mDNS). TCP candidates, RTCP's component 2 and link-local addresses are ignored wherever
    /// they stand in the list (browsers put IPv6 and link-local ones first).
    public var remoteCandidates: [Candidate]
    /// The `c=` address of the audio section (or session), e.g. WhatsApp's media IP.
    public var remoteConnectionAddress: String?
    /// The audio section's port.
    public var remotePort: UInt16
    /// The first SSRC announced by `a=ssrc` in the audio section, and its cname.
    public var remoteSSRC: UInt32?
    public var remoteCNAME: String?
    /// The id of the `ssrc-audio-level` header extension (RFC 6464), if offered.
    public var audioLevelExtensionID: Int?
    /// Whether the offer asks for RTP/RTCP multiplexing (`a=rtcp-mux`).
    public var rtcpMux: Bool
    /// The offer's direction for the audio section; answer with `offerDirection.answer`.
    public var offerDirection: MediaDirection
    /// The offer's `a=ptime` / `a=maxptime`, if given.
    public var ptime: Int?
    public var maxptime: Int?

    /// The direction our answer uses: the complement of the offer's.
    public var answerDirection: MediaDirection { offerDirection.answer }

    /// Negotiates the first audio m-line whose port is not 0 (or refuses the first audio m-line).
    ///
    /// Liberal in what it accepts: encoding names in any case (RFC 4855), Opus without its channel count,
    /// static payload types without an rtpmap (RFC 3551), unknown attributes, `a=ice-options:trickle`,
    /// `a=rtcp-mux-only`, `a=extmap-allow-mixed`, port 9 with `c=IN IP4 0.0.0.0` and no candidates (trickle:
    /// the peer's checks then arrive as peer-reflexive), and any number of other m-lines (the answer rejects
    /// them with port 0).
    ///
    /// Refusals, each a precise `SDPError`: no audio m-line (`.noAudio`), port 0 (`.audioRejected`),
    /// proto other than `UDP/TLS/RTP/SAVPF` or no fingerprint (`.notDTLSSRTP`), no `opus/48000/2`
    /// (`.noOpus`), no sha-256 fingerprint (`.unsupportedFingerprint`, `.fingerprintLength`),
    /// missing `ice-ufrag`/`ice-pwd` (`.missingICECredential`), `setup:active`/`holdconn` (`.unsupportedSetup`).
    public init(offer: SessionDescription) throws(SDPError) {
        try self.init(description: offer, isAnswer: false)
    }

    /// The shared reading of an offer or an answer; they differ only in the `a=setup` they allow.
    init(description offer: SessionDescription, isAnswer: Bool) throws(SDPError) {
        let audio = offer.media.enumerated().filter { $0.element.kind.lowercased() == "audio" }
        guard let first = audio.first else { throw SDPError.noAudio(offered: offer.media.map(\.kind)) }
        guard let (index, m) = audio.first(where: { $0.element.port != 0 }) else {
            throw SDPError.audioRejected(line: first.element.lineNumber)
        }
        let line = m.lineNumber

        guard m.proto.uppercased() == "UDP/TLS/RTP/SAVPF" else {
            throw SDPError.notDTLSSRTP(line: line, reason: "proto is '\(m.proto)', expected 'UDP/TLS/RTP/SAVPF'")
        }
        let fingerprints = offer.fingerprints(for: m)
        guard !fingerprints.isEmpty else {
            throw SDPError.notDTLSSRTP(line: line, reason: "no a=fingerprint at media or session level")
        }
        guard let fingerprint = fingerprints.first(where: { $0.algorithm == "sha-256" }) else {
            throw SDPError.unsupportedFingerprint(line: line, found: fingerprints.map(\.algorithm))
        }
        guard fingerprint.bytes.count == 32 else {
            throw SDPError.fingerprintLength(line: line, algorithm: "sha-256", expected: 32,
                                             found: fingerprint.bytes.count)
        }
        guard let ufrag = offer.iceUfrag(for: m) else {
            throw SDPError.missingICECredential(line: line, attribute: "ice-ufrag")
        }
        guard let pwd = offer.icePwd(for: m) else {
            throw SDPError.missingICECredential(line: line, attribute: "ice-pwd")
        }
        let setup = offer.setup(for: m)
        // An offer must leave us the client (actpass or passive); an answer must pick a role (RFC 8842 §5.3).
        if isAnswer, let setup, setup == .actpass || setup == .holdconn {
            throw SDPError.answerSetup(line: line, found: setup.rawValue)
        }
        if !isAnswer, let setup, setup == .active || setup == .holdconn {
            throw SDPError.unsupportedSetup(line: line, found: setup.rawValue)
        }

        func codec(_ name: String, _ rate: UInt32, channels: Int? = nil) -> Codec? {
            for format in m.formats {
                guard let pt = UInt8(format), let map = m.rtpMap(for: pt),
                      map.isCodec(name, clockRate: rate, channels: channels) else { continue }
                return Codec(payloadType: pt, rtpMap: map, formatParameters: m.formatParameters(for: pt))
            }
            return nil
        }
        guard let opus = codec("opus", 48000, channels: 2) else {
            throw SDPError.noOpus(offered: m.offeredCodecs)
        }

        let ssrc = m.ssrcAttributes.first
        mediaIndex = index
        mid = m.mid
        self.opus = opus
        telephoneEvent = codec("telephone-event", 8000)
        telephoneEvent48000 = codec("telephone-event", 48000)
        remoteICEUfrag = ufrag
        remoteICEPwd = pwd
        remoteICEOptions = offer.iceOptions(for: m)
        remoteIsICELite = offer.isICELite
        remoteFingerprint = fingerprint
        remoteSetup = setup
        remoteCandidates = m.candidates.filter { $0.component == 1 && $0.isUDP && !$0.isLinkLocal }
        remoteConnectionAddress = offer.connection(for: m)?.address
        remotePort = m.port
        remoteSSRC = ssrc?.ssrc
        remoteCNAME = ssrc.flatMap { s in
            m.ssrcAttributes.first { $0.ssrc == s.ssrc && $0.attribute == "cname" }?.value
        }
        audioLevelExtensionID = m.extMaps.first { $0.uri == ExtMap.audioLevelURI }?.id
        rtcpMux = m.rtcpMux
        offerDirection = offer.direction(for: m)
        ptime = m.ptime
        maxptime = m.maxptime
    }
}

/// Negotiates the offer's audio m-line; see `AudioNegotiation.init(offer:)` for the refusals.
public func negotiate(_ offer: SessionDescription) throws(SDPError) -> AudioNegotiation {
    try AudioNegotiation(offer: offer)
}
