import Wire

/// What our offer proposes when we place a call: one audio section shaped like WhatsApp's own (mid
/// `audio`, Opus on PT 111 with `minptime=10;useinbandfec=1`, `telephone-event/8000` on PT 126).
public struct OfferOptions: Sendable, Hashable {
    /// A `telephone-event` payload type we offer (RFC 4733 §7.1.1).
    public struct TelephoneEvent: Sendable, Hashable {
        public var payloadType: UInt8
        public var clockRate: UInt32

        public init(payloadType: UInt8, clockRate: UInt32) {
            self.payloadType = payloadType
            self.clockRate = clockRate
        }
    }

    public var mid: String
    public var opusPayloadType: UInt8
    /// The Opus `a=fmtp` value (RFC 7587 §6.1).
    public var opusFormatParameters: String
    public var telephoneEvents: [TelephoneEvent]

    public init(mid: String = "audio", opusPayloadType: UInt8 = 111, opusFormatParameters: String = "minptime=10;useinbandfec=1",
                telephoneEvents: [TelephoneEvent] = [TelephoneEvent(payloadType: 126, clockRate: 8000)]) {
        self.mid = mid
        self.opusPayloadType = opusPayloadType
        self.opusFormatParameters = opusFormatParameters
        self.telephoneEvents = telephoneEvents
    }

    /// What WhatsApp's own offers carry.
    public static let whatsApp = OfferOptions()
}

/// Our side of an offer is the same set of values as our side of an answer (ICE credentials,
/// certificate fingerprint, media address and port, session ids, SSRC and CNAME).
public typealias OfferParameters = AnswerParameters

/// Builds our SDP offer for a business-initiated call (RFC 8829 shape, audio only):
/// `BUNDLE` of the one mid, `UDP/TLS/RTP/SAVPF` with Opus and telephone-event, our ICE credentials
/// (no `ice-lite`: we are a full agent and, as offerer against WhatsApp's ice-lite, the controlling
/// one), exactly one `fingerprint:sha-256`, `setup:actpass` (RFC 8842 §5.2: the offerer leaves the
/// DTLS role to the answer), `sendrecv`, `rtcp-mux`, `ptime:20`, our `ssrc … cname:` if given, one host
/// candidate and `end-of-candidates` (WhatsApp has no trickle).
public enum OfferBuilder {
    public static func offer(_ options: OfferOptions = .whatsApp, parameters p: OfferParameters) throws(SDPError)
        -> SessionDescription {
        try AnswerBuilder.check(p)
        try checkOptions(options)
        let connection = Connection(address: p.address)
        let origin = Origin(sessionID: p.sessionID, sessionVersion: p.sessionVersion,
                            addressType: connection.addressType, address: p.address)
        let session: [SDPLine] = [.field(type: "t", value: "0 0"),
                                  .attribute(SDPAttribute("group", "BUNDLE \(options.mid)"))]
        var lines: [SDPLine] = [.field(type: "c", value: connection.description)]
        func a(_ name: String, _ value: String? = nil) { lines.append(.attribute(SDPAttribute(name, value))) }
        a("mid", options.mid)
        a("ice-ufrag", p.iceUfrag)
        a("ice-pwd", p.icePwd)
        a("fingerprint", Fingerprint.sha256(p.fingerprint).description)
        a("setup", SetupRole.actpass.rawValue)
        a(MediaDirection.sendrecv.rawValue)
        a("rtcp-mux")
        a("rtpmap", RTPMap(payloadType: options.opusPayloadType, encoding: "opus", clockRate: 48000, channels: 2).description)
        a("fmtp", "\(options.opusPayloadType) \(options.opusFormatParameters)")
        for event in options.telephoneEvents {
            a("rtpmap", RTPMap(payloadType: event.payloadType, encoding: "telephone-event", clockRate: event.clockRate).description)
            a("fmtp", "\(event.payloadType) 0-16")
        }
        a("ptime", "20")
        if let ssrc = p.ssrc, let cname = p.cname { a("ssrc", "\(ssrc) cname:\(cname)") }
        let host = Candidate(foundation: "1", component: 1, transport: "udp", priority: AnswerBuilder.hostCandidatePriority,
                             address: p.address, port: p.port, kind: .host)
        a("candidate", host.description)
        a("end-of-candidates")
        let formats = [options.opusPayloadType] + options.telephoneEvents.map(\.payloadType)
        let audio = MediaDescription(kind: "audio", port: p.port, proto: "UDP/TLS/RTP/SAVPF",
                                     formats: formats.map { "\($0)" }, lines: lines)
        return SessionDescription(origin: origin, sessionName: "-", lines: session, media: [audio])
    }

    /// Convenience: the offer's text (CRLF line endings).
    public static func offerText(_ options: OfferOptions = .whatsApp, parameters: OfferParameters) throws(SDPError) -> String {
        try offer(options, parameters: parameters).serialized()
    }

    private static func checkOptions(_ o: OfferOptions) throws(SDPError) {
        let types = [o.opusPayloadType] + o.telephoneEvents.map(\.payloadType)
        for pt in types where !(96...127).contains(pt) {
            throw SDPError.invalidParameter(field: "payloadType", expected: "a dynamic payload type (96-127)", found: "\(pt)")
        }
        guard Set(types).count == types.count else {
            throw SDPError.invalidParameter(field: "payloadType", expected: "distinct payload types",
                                            found: types.map(String.init).joined(separator: " "))
        }
        let midOK = !o.mid.isEmpty && o.mid.allSatisfy { $0.isASCII && !$0.isWhitespace }
        guard midOK else {
            throw SDPError.invalidParameter(field: "mid", expected: "a non-empty token without spaces", found: o.mid)
        }
        let fmtpOK = !o.opusFormatParameters.isEmpty && !o.opusFormatParameters.contains(where: { $0.isNewline || $0 == " " })
        guard fmtpOK else {
            throw SDPError.invalidParameter(field: "opusFormatParameters", expected: "name=value pairs joined by ';'",
                                            found: o.opusFormatParameters)
        }
    }
}
