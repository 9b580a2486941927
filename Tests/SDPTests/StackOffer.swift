import SDP

/// One offer from a real WebRTC stack, written by hand after that stack's documented or observed output
/// (the source is noted where each offer is defined), with what we must do with it.
struct StackOffer: Sendable, CustomStringConvertible {
    enum Expectation: Sendable {
        /// Answered: the Opus payload type, the telephone-event payload types in answer order, the audio
        /// mid, the remote candidates we keep (addresses, in offer order) and whether the peer is ice-lite.
        case answered(opus: UInt8, events: [UInt8], mid: String?, candidates: [String], lite: Bool)
        /// Refused with exactly this `SDPError` text.
        case refused(String)
    }

    var name: String
    var sdp: String
    var expect: Expectation

    init(_ name: String, _ expect: Expectation, lines: [String]) {
        self.name = name
        self.expect = expect
        // CRLF as RFC 8866 asks; the parser takes LF as well (the GStreamer offer uses LF).
        self.sdp = lines.joined(separator: "\r\n") + "\r\n"
    }

    init(_ name: String, _ expect: Expectation, lfLines: [String]) {
        self.name = name
        self.expect = expect
        self.sdp = lfLines.joined(separator: "\n") + "\n"
    }

    var description: String { name }

    /// Every offer of the table.
    static var all: [StackOffer] {
        StackOffers.browsers + StackOffers.libraries + StackOffers.servers
    }
}

/// Hand-written offers; see the files `StackOffers+*.swift`.
enum StackOffers {
    // Fingerprints and ICE passwords below are made up for these tests.
    static let fp1 = "00:72:0F:07:6D:CF:7F:4A:8F:06:49:04:C7:0F:60:7C:4D:35:F2:C8:CD:66:E1:74:CD:36:4C:6F:5D:DD:88:C6"
    static let fp2 = "2D:31:ED:1D:F0:3E:E5:9D:E0:F0:E9:DA:CC:4F:D3:F3:93:7A:BB:D6:9F:AC:77:B2:CF:DA:97:C9:4B:9F:F8:D9"
    static let fp3 = "E5:C3:E6:91:4D:8A:37:5B:C7:2A:53:BF:05:E1:5A:FB:70:FC:95:F1:35:E5:C0:1C:23:65:93:13:CA:44:AF:AE"
    static let fp4 = "E8:54:44:AA:A1:48:0C:02:0B:53:01:75:9D:0D:CE:4D:EB:F7:CB:89:2C:A7:F1:09:41:61:C6:8F:4B:B5:E1:F9"
    static let fp5 = "15:0D:64:7D:31:F9:49:18:D4:93:EC:B7:6A:79:90:0C:B5:4D:04:7D:EE:D4:1D:9C:E9:63:11:35:14:57:42:C4"
    static let fp6 = "BB:0E:7C:6C:50:0F:BD:12:D1:C4:07:97:7A:A4:D6:63:26:A5:A6:B7:DC:24:31:6C:56:32:29:2C:46:6D:24:21"
    static let fp7 = "4E:F5:B1:31:DF:8F:0E:72:B6:24:FF:EC:05:CF:4F:CE:D9:14:38:2A:39:21:63:A7:00:61:3E:5F:F4:92:A2:7C"
    static let fp8 = "B5:A2:85:E8:33:5D:CA:8E:F7:4E:36:58:55:84:82:DF:5B:82:2E:6C:68:AB:B4:00:96:68:A2:C6:F9:A1:38:65"
}
