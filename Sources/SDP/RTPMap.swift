/// `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]`.
public struct RTPMap: Sendable, Hashable, CustomStringConvertible {
    public var payloadType: UInt8
    public var encoding: String
    public var clockRate: UInt32
    public var channels: Int?

    public init(payloadType: UInt8, encoding: String, clockRate: UInt32, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encoding = encoding
        self.clockRate = clockRate
        self.channels = channels
    }

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        payloadType = try PayloadType.parse(try Numbers.token(t, 0, expected: "a payload type (0-127)"))
        let codec = try Numbers.token(t, 1, expected: "'<encoding>/<clock rate>[/<channels>]'")
        guard t.count == 2 else { throw FieldError("end of line after the encoding", found: t[2]) }
        let parts = codec.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty else {
            throw FieldError("'<encoding>/<clock rate>[/<channels>]'", found: codec)
        }
        encoding = String(parts[0])
        clockRate = try Numbers.parse(parts[1], expected: "a clock rate")
        channels = parts.count == 3 ? Int(try Numbers.parse(parts[2], in: 1...255, expected: "a channel count") as UInt8) : nil
    }

    /// Matches the encoding name without regard to case (`opus`, `OPUS`: RFC 4855 §3), the clock rate and
    /// the channels. A missing channel count is read as `effectiveChannels`: 2 for Opus, else 1.
    public func isCodec(_ name: String, clockRate: UInt32, channels: Int? = nil) -> Bool {
        encoding.lowercased() == name.lowercased() && self.clockRate == clockRate
            && (channels == nil || effectiveChannels == channels)
    }

    /// The channel count, with the default filled in when the rtpmap omits it: 1 for audio (RFC 8866
    /// §6.6), but 2 for Opus, whose rtpmap is always `opus/48000/2` (RFC 7587 §7) and which some stacks
    /// (GStreamer 1.22 writes `OPUS/48000`) leave out; aiortc reads it the same way.
    public var effectiveChannels: Int {
        channels ?? (encoding.lowercased() == "opus" ? 2 : 1)
    }

    /// `PT encoding/clock[/channels]`, as used in `SDPError.noOpus` and after `a=rtpmap:`.
    public var description: String {
        let base = "\(payloadType) \(encoding)/\(clockRate)"
        guard let channels else { return base }
        return "\(base)/\(channels)"
    }

    /// The RFC 3551 static payload types, named when an offer lists them without an rtpmap.
    static func staticType(_ payloadType: UInt8) -> RTPMap? {
        let table: [UInt8: (String, UInt32, Int?)] = [
            0: ("PCMU", 8000, nil), 3: ("GSM", 8000, nil), 4: ("G723", 8000, nil), 5: ("DVI4", 8000, nil),
            6: ("DVI4", 16000, nil), 7: ("LPC", 8000, nil), 8: ("PCMA", 8000, nil), 9: ("G722", 8000, nil),
            10: ("L16", 44100, 2), 11: ("L16", 44100, nil), 12: ("QCELP", 8000, nil), 13: ("CN", 8000, nil),
            14: ("MPA", 90000, nil), 15: ("G728", 8000, nil), 16: ("DVI4", 11025, nil),
            17: ("DVI4", 22050, nil), 18: ("G729", 8000, nil),
        ]
        guard let (name, rate, channels) = table[payloadType] else { return nil }
        return RTPMap(payloadType: payloadType, encoding: name, clockRate: rate, channels: channels)
    }
}

enum PayloadType {
    static func parse(_ text: Substring) throws(FieldError) -> UInt8 {
        try Numbers.parse(text, in: 0...127, expected: "a payload type (0-127)")
    }
}
