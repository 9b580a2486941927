import Wire

/// Builds our SDP answer to an offer once it has been negotiated.
///
/// The answer is minimal and mirrors the offer: one accepted audio section (every other offered section is
/// rejected with port 0, as RFC 3264 requires the same number of m-lines), the offer's `mid` and a
/// `BUNDLE` group of it, the offer's Opus and telephone-event payload types (Opus fmtp echoed), our ICE
/// credentials, exactly one `fingerprint:sha-256`, `setup:active`, never `ice-lite`, `rtcp-mux` when the
/// offer has it, the complement of the offer's direction, one host candidate and `end-of-candidates`,
/// the rtpmaps in their canonical spelling (`opus/48000/2` even when the offer wrote `OPUS/48000`),
/// `ptime:20`, the `ssrc-audio-level` extmap if offered, and our `ssrc … cname:` if given.
public enum AnswerBuilder {
    /// The host candidate's type preference (RFC 8445 recommends 126 for host).
    public static let hostTypePreference = 126

    /// Builds the answer; throws `SDPError.invalidParameter` when one of our parameters is unusable.
    public static func answer(to offer: SessionDescription, negotiation n: AudioNegotiation,
                              parameters p: AnswerParameters) throws(SDPError) -> SessionDescription {
        try check(p)
        guard offer.media.indices.contains(n.mediaIndex) else {
            throw SDPError.invalidParameter(field: "negotiation.mediaIndex",
                                            expected: "an index below \(offer.media.count)",
                                            found: "\(n.mediaIndex)")
        }
        let connection = Connection(address: p.address)
        let origin = Origin(sessionID: p.sessionID, sessionVersion: p.sessionVersion,
                            addressType: connection.addressType, address: p.address)
        var session: [SDPLine] = [.field(type: "t", value: "0 0")]
        if let mid = n.mid { session.append(.attribute(SDPAttribute("group", "BUNDLE \(mid)"))) }

        var media: [MediaDescription] = []
        for (index, offered) in offer.media.enumerated() {
            if index == n.mediaIndex {
                media.append(audioSection(n, p, connection, offered: offered))
            } else {
                media.append(rejected(offered, connection))
            }
        }
        return SessionDescription(origin: origin, sessionName: "-", lines: session, media: media)
    }

    /// Convenience: the answer's text (CRLF line endings).
    public static func answerText(to offer: SessionDescription, negotiation: AudioNegotiation,
                                  parameters: AnswerParameters) throws(SDPError) -> String {
        try answer(to: offer, negotiation: negotiation, parameters: parameters).serialized()
    }

    /// The priority of our one host candidate: 2^24·126 + 2^8·65535 + (256 − 1) = 2130706431.
    public static var hostCandidatePriority: UInt32 {
        Candidate.priority(typePreference: hostTypePreference, localPreference: 65535, component: 1)
    }

    private static func audioSection(_ n: AudioNegotiation, _ p: AnswerParameters, _ connection: Connection,
                                     offered: MediaDescription) -> MediaDescription {
        // Opus first, then the telephone-event types in the order the offer listed them.
        func position(_ codec: AudioNegotiation.Codec) -> Int {
            offered.formats.firstIndex(of: "\(codec.payloadType)") ?? Int.max
        }
        let events = [n.telephoneEvent, n.telephoneEvent48000].compactMap { $0 }
        let codecs = [n.opus] + events.sorted { position($0) < position($1) }
        var lines: [SDPLine] = [.field(type: "c", value: connection.description)]
        func a(_ name: String, _ value: String? = nil) { lines.append(.attribute(SDPAttribute(name, value))) }
        if let mid = n.mid { a("mid", mid) }
        a("ice-ufrag", p.iceUfrag)
        a("ice-pwd", p.icePwd)
        a("fingerprint", Fingerprint.sha256(p.fingerprint).description)
        a("setup", SetupRole.active.rawValue)
        a(n.answerDirection.rawValue)
        if n.rtcpMux { a("rtcp-mux") }
        if let id = n.audioLevelExtensionID { a("extmap", ExtMap(id: id, uri: ExtMap.audioLevelURI).attributeValue) }
        for codec in codecs {
            a("rtpmap", canonicalMap(codec).description)
            if let fmtp = codec.formatParameters { a("fmtp", "\(codec.payloadType) \(fmtp.raw)") }
        }
        a("ptime", "20")
        if let ssrc = p.ssrc, let cname = p.cname { a("ssrc", "\(ssrc) cname:\(cname)") }
        let host = Candidate(foundation: "1", component: 1, transport: "udp", priority: hostCandidatePriority,
                             address: p.address, port: p.port, kind: .host)
        a("candidate", host.description)
        a("end-of-candidates")
        return MediaDescription(kind: "audio", port: p.port, proto: "UDP/TLS/RTP/SAVPF",
                                formats: codecs.map { "\($0.payloadType)" }, lines: lines)
    }

    /// A rejected section: port 0, the offered proto and first format, the offered mid.
    private static func rejected(_ offered: MediaDescription, _ connection: Connection) -> MediaDescription {
        var lines: [SDPLine] = [.field(type: "c", value: connection.description)]
        if let mid = offered.mid { lines.append(.attribute(SDPAttribute("mid", mid))) }
        return MediaDescription(kind: offered.kind, port: 0, proto: offered.proto,
                                formats: Array(offered.formats.prefix(1)), lines: lines)
    }

    static func check(_ p: AnswerParameters) throws(SDPError) {
        guard IPAddress(p.address) != nil else {
            throw SDPError.invalidParameter(field: "address", expected: "an IPv4 or IPv6 address", found: p.address)
        }
        guard p.port != 0 else {
            throw SDPError.invalidParameter(field: "port", expected: "a port number (1-65535)", found: "0")
        }
        guard p.fingerprint.count == 32 else {
            throw SDPError.invalidParameter(field: "fingerprint", expected: "32 sha-256 bytes",
                                            found: "\(p.fingerprint.count) bytes")
        }
        try checkICE("iceUfrag", p.iceUfrag, 4...256)
        try checkICE("icePwd", p.icePwd, 22...256)
        if let cname = p.cname, cname.isEmpty || cname.contains(where: { $0 == " " || $0.isNewline }) {
            throw SDPError.invalidParameter(field: "cname", expected: "a non-empty token without spaces", found: cname)
        }
    }

    private static func checkICE(_ field: String, _ value: String, _ lengths: ClosedRange<Int>) throws(SDPError) {
        let ok = lengths.contains(value.count)
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }
        guard ok else {
            throw SDPError.invalidParameter(
                field: field, expected: "\(lengths.lowerBound)-\(lengths.upperBound) ice-chars (A-Z a-z 0-9 + /)",
                found: value)
        }
    }
}

extension AnswerBuilder {
    /// Strict in what we send, whatever the offer wrote: `opus/48000/2` (RFC 7587 §7) and
    /// `telephone-event/<rate>` (RFC 4733 §7.1.1), lower case, on the offer's payload type.
    static func canonicalMap(_ codec: AudioNegotiation.Codec) -> RTPMap {
        let offered = codec.rtpMap
        if offered.isCodec("opus", clockRate: 48000) {
            return RTPMap(payloadType: codec.payloadType, encoding: "opus", clockRate: 48000, channels: 2)
        }
        if offered.isCodec("telephone-event", clockRate: offered.clockRate) {
            return RTPMap(payloadType: codec.payloadType, encoding: "telephone-event", clockRate: offered.clockRate)
        }
        var copy = offered
        copy.payloadType = codec.payloadType
        return copy
    }
}
