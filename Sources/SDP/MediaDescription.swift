/// One media section: the `m=` line and the lines after it, in order.
///
/// Accessors read this section only; `SessionDescription` has the `…(for:)` variants that fall back to
/// session level (media level overrides session level).
public struct MediaDescription: Sendable, Hashable {
    /// `audio`, `video`, `application`, …
    public var kind: String
    public var port: UInt16
    /// The `/<number of ports>` suffix of the port, if present.
    public var portCount: Int?
    /// `UDP/TLS/RTP/SAVPF` for WebRTC audio.
    public var proto: String
    /// The format list: payload types for RTP media, kept as text.
    public var formats: [String]
    /// The lines after the `m=` line, in document order (unknown ones included).
    public var lines: [SDPLine]
    /// The 1-based line number of the `m=` line when this section was parsed from text.
    /// Not part of equality: a parsed section equals the one it was serialised from.
    public var lineNumber: Int?

    public static func == (a: MediaDescription, b: MediaDescription) -> Bool {
        a.kind == b.kind && a.port == b.port && a.portCount == b.portCount && a.proto == b.proto
            && a.formats == b.formats && a.lines == b.lines
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(port)
        hasher.combine(portCount)
        hasher.combine(proto)
        hasher.combine(formats)
        hasher.combine(lines)
    }

    public init(kind: String, port: UInt16, portCount: Int? = nil, proto: String, formats: [String],
                lines: [SDPLine] = [], lineNumber: Int? = nil) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.lines = lines
        self.lineNumber = lineNumber
    }

    init(parsingMediaLine text: Substring, lineNumber: Int) throws(FieldError) {
        let t = text.tokens
        kind = String(try Numbers.token(t, 0, expected: "a media type such as 'audio'"))
        let portText = try Numbers.token(t, 1, expected: "a port number")
        let portParts = portText.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        port = try Numbers.parse(portParts[0], expected: "a port number")
        portCount = portParts.count == 2
            ? Int(try Numbers.parse(portParts[1], in: 1...65535, expected: "a port count") as UInt16) : nil
        proto = String(try Numbers.token(t, 2, expected: "a transport protocol such as 'UDP/TLS/RTP/SAVPF'"))
        _ = try Numbers.token(t, 3, expected: "at least one format")
        formats = t.dropFirst(3).map(String.init)
        lines = []
        self.lineNumber = lineNumber
    }

    /// The text after `m=`.
    public var mediaLine: String {
        let port = portCount.map { "\(self.port)/\($0)" } ?? "\(self.port)"
        return ([kind, port, proto] + formats).joined(separator: " ")
    }

    // MARK: Attributes of this section

    public var attributes: [SDPAttribute] { lines.attributes }
    public func attributes(named name: String) -> [SDPAttribute] { lines.attributes(named: name) }
    public func hasAttribute(_ name: String) -> Bool { lines.hasAttribute(name) }

    /// `c=` of this section.
    public var connection: Connection? { lines.fields("c").first.flatMap { try? Connection(parsing: $0[...]) } }
    public var bandwidths: [Bandwidth] { lines.fields("b").compactMap { try? Bandwidth(parsing: $0[...]) } }
    public var mid: String? { lines.attributes(named: "mid").first.map { String($0.trimmedValue) } }
    public var iceUfrag: String? { lines.attributes(named: "ice-ufrag").first.map { String($0.trimmedValue) } }
    public var icePwd: String? { lines.attributes(named: "ice-pwd").first.map { String($0.trimmedValue) } }
    /// `a=ice-options:` tokens, e.g. `["trickle"]`; nil when absent.
    public var iceOptions: [String]? {
        lines.attributes(named: "ice-options").first.map { $0.trimmedValue.tokens.map(String.init) }
    }
    public var fingerprints: [Fingerprint] { lines.typed("fingerprint", Fingerprint.init(parsing:)) }
    public var setup: SetupRole? {
        lines.attributes(named: "setup").first.flatMap { SetupRole(rawValue: String($0.trimmedValue)) }
    }
    public var rtcpMux: Bool { lines.hasAttribute("rtcp-mux") }
    /// The direction attribute of this section, if any (see `SessionDescription.direction(for:)`).
    public var direction: MediaDirection? { lines.direction }
    public var rtpMaps: [RTPMap] { lines.typed("rtpmap", RTPMap.init(parsing:)) }
    public var formatParameters: [FormatParameters] { lines.typed("fmtp", FormatParameters.init(parsing:)) }
    public var rtcpFeedback: [RTCPFeedback] { lines.typed("rtcp-fb", RTCPFeedback.init(parsing:)) }
    public var extMaps: [ExtMap] { lines.typed("extmap", ExtMap.init(parsing:)) }
    public var ssrcAttributes: [SSRCAttribute] { lines.typed("ssrc", SSRCAttribute.init(parsing:)) }
    public var candidates: [Candidate] { lines.typed("candidate", Candidate.init(parsing:)) }
    public var endOfCandidates: Bool { lines.hasAttribute("end-of-candidates") }
    public var ptime: Int? { lines.integer("ptime") }
    public var maxptime: Int? { lines.integer("maxptime") }

    /// The rtpmap of a payload type, or the RFC 3551 static mapping when the section has none for it.
    public func rtpMap(for payloadType: UInt8) -> RTPMap? {
        rtpMaps.first { $0.payloadType == payloadType } ?? RTPMap.staticType(payloadType)
    }

    /// The fmtp of a payload type.
    public func formatParameters(for payloadType: UInt8) -> FormatParameters? {
        formatParameters.first { $0.payloadType == payloadType }
    }

    /// Every format as "PT encoding/clock[/channels]" (or "PT" when unknown), in m-line order.
    public var offeredCodecs: [String] {
        formats.map { fmt in
            guard let pt = UInt8(fmt), let map = rtpMap(for: pt) else { return fmt }
            return map.description
        }
    }
}

extension Array where Element == SDPLine {
    /// The attributes with this name that parse as `T` (values that do not parse are skipped;
    /// the parser has already refused them in documents read from text).
    func typed<T>(_ name: String, _ parse: (Substring) throws(FieldError) -> T) -> [T] {
        attributes(named: name).compactMap { attribute in
            do { return try parse(attribute.value?[...] ?? "") } catch { return nil }
        }
    }

    func integer(_ name: String) -> Int? {
        attributes(named: name).first.flatMap { Int($0.trimmedValue) }
    }

    var direction: MediaDirection? {
        for attribute in attributes {
            if attribute.value == nil, let d = MediaDirection(rawValue: attribute.name.trimmingSpaces.lowercased()) {
                return d
            }
        }
        return nil
    }
}
