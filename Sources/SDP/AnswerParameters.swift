/// Our side of an answer: ICE credentials, DTLS certificate fingerprint, media address, session ids.
public struct AnswerParameters: Sendable, Hashable {
    /// Our ICE username fragment: 4-256 ice-chars (ALPHA / DIGIT / "+" / "/").
    public var iceUfrag: String
    /// Our ICE password: 22-256 ice-chars.
    public var icePwd: String
    /// SHA-256 of our DTLS certificate's DER (32 bytes).
    public var fingerprint: [UInt8]
    /// The address our media socket sends from: an IPv4 or IPv6 literal.
    public var address: String
    /// Our media socket's UDP port (used on the m= line and in the host candidate).
    public var port: UInt16
    /// `o=` session id and version.
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    /// Our outbound SSRC and RTCP CNAME: when both are set, the answer carries `a=ssrc:<ssrc> cname:<cname>`.
    public var ssrc: UInt32?
    public var cname: String?

    public init(iceUfrag: String, icePwd: String, fingerprint: [UInt8], address: String, port: UInt16,
                sessionID: UInt64, sessionVersion: UInt64 = 2, ssrc: UInt32? = nil, cname: String? = nil) {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprint = fingerprint
        self.address = address
        self.port = port
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.ssrc = ssrc
        self.cname = cname
    }
}
