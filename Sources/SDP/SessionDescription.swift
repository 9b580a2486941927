/// A whole SDP document (RFC 8866): the session-level lines and the media sections.
///
/// Parsing keeps every line (unknown ones too) in order, so `serialized()` of a parsed CRLF document
/// gives back the same bytes. Build one by hand for an answer, or use `AnswerBuilder`.
public struct SessionDescription: Sendable, Hashable, CustomStringConvertible {
    /// `o=`.
    public var origin: Origin
    /// `s=` (WebRTC uses `-`).
    public var sessionName: String
    /// Session-level lines after `s=` and before the first `m=`, in document order.
    public var lines: [SDPLine]
    /// The media sections in document order.
    public var media: [MediaDescription]

    public init(origin: Origin, sessionName: String = "-", lines: [SDPLine] = [], media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.lines = lines
        self.media = media
    }

    /// Parses SDP text with CRLF or LF line endings; throws `SDPError.syntax` naming the line.
    public init(parsing text: String) throws(SDPError) {
        self = try SDPParser.parse(text)
    }

    /// The document with CRLF line endings (and a final CRLF).
    public func serialized() -> String {
        var out = "v=0\r\no=\(origin)\r\ns=\(sessionName)\r\n"
        for line in lines { out += "\(line)\r\n" }
        for m in media {
            out += "m=\(m.mediaLine)\r\n"
            for line in m.lines { out += "\(line)\r\n" }
        }
        return out
    }

    public var description: String { serialized() }

    // MARK: Session-level accessors

    public var attributes: [SDPAttribute] { lines.attributes }
    public func attributes(named name: String) -> [SDPAttribute] { lines.attributes(named: name) }
    public var timing: Timing? { lines.fields("t").first.flatMap { try? Timing(parsing: $0[...]) } }
    public var connection: Connection? { lines.fields("c").first.flatMap { try? Connection(parsing: $0[...]) } }
    public var bandwidths: [Bandwidth] { lines.fields("b").compactMap { try? Bandwidth(parsing: $0[...]) } }
    /// `a=ice-lite` at session level.
    public var isICELite: Bool { lines.hasAttribute("ice-lite") }
    public var groups: [MediaGroup] { lines.typed("group", MediaGroup.init(parsing:)) }
    /// The mids of the first `a=group:BUNDLE`, or nil when there is none.
    public var bundleMids: [String]? { groups.first { $0.semantics.uppercased() == "BUNDLE" }?.mids }
    /// The raw value of `a=msid-semantic` (e.g. ` WMS wa-stream`).
    public var msidSemantic: String? { lines.attributes(named: "msid-semantic").first?.value }
    public var iceUfrag: String? { lines.attributes(named: "ice-ufrag").first.map { String($0.trimmedValue) } }
    public var icePwd: String? { lines.attributes(named: "ice-pwd").first.map { String($0.trimmedValue) } }
    public var iceOptions: [String]? {
        lines.attributes(named: "ice-options").first.map { $0.trimmedValue.tokens.map(String.init) }
    }
    public var fingerprints: [Fingerprint] { lines.typed("fingerprint", Fingerprint.init(parsing:)) }
    public var setup: SetupRole? {
        lines.attributes(named: "setup").first.flatMap { SetupRole(rawValue: String($0.trimmedValue)) }
    }
    public var direction: MediaDirection? { lines.direction }

    // MARK: Effective values for one media section (media level overrides session level)

    public func iceUfrag(for m: MediaDescription) -> String? { m.iceUfrag ?? iceUfrag }
    public func icePwd(for m: MediaDescription) -> String? { m.icePwd ?? icePwd }
    public func iceOptions(for m: MediaDescription) -> [String] { m.iceOptions ?? iceOptions ?? [] }
    public func fingerprints(for m: MediaDescription) -> [Fingerprint] {
        let own = m.fingerprints
        return own.isEmpty ? fingerprints : own
    }
    public func setup(for m: MediaDescription) -> SetupRole? { m.setup ?? setup }
    /// The section's direction, else the session's, else `sendrecv` (RFC 3264 default).
    public func direction(for m: MediaDescription) -> MediaDirection { m.direction ?? direction ?? .sendrecv }
    public func connection(for m: MediaDescription) -> Connection? { m.connection ?? connection }
}
