/// The client-to-mixer audio level (RFC 6464, `urn:ietf:params:rtp-hdrext:ssrc-audio-level`):
/// a voice-activity flag and the level in −dBov (0 loudest, 127 silence).
public struct AudioLevel: Equatable, Sendable {
    public static let uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

    public var voiceActivity: Bool
    /// 0…127, meaning 0 to −127 dBov.
    public var level: UInt8

    public init(voiceActivity: Bool, level: UInt8) {
        self.voiceActivity = voiceActivity
        self.level = level & 0x7F
    }

    /// Decodes the element's first data byte; nil when the element is empty.
    public init?(elementData: [UInt8]) {
        guard let byte = elementData.first else { return nil }
        self.init(byte: byte)
    }

    init(byte: UInt8) {
        self.init(voiceActivity: byte & 0x80 != 0, level: byte & 0x7F)
    }

    /// The one-byte element data.
    public var elementData: [UInt8] { [(voiceActivity ? 0x80 : 0) | (level & 0x7F)] }
}
