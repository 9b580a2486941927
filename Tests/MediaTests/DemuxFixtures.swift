import Media
import RTP
import STUN
import Wire

/// Datagrams for the shared-port demultiplexer's scenarios: real STUN checks and responses, and
/// bytes shaped like DTLS and RTP.
enum DemuxFixtures {
    static let now = Instant(nanoseconds: 5_000_000_000)
    static let callerA = TransportAddress(host: "198.51.100.7", port: 3480)!
    static let callerB = TransportAddress(host: "198.51.100.8", port: 3480)!
    static let stranger = TransportAddress(host: "203.0.113.66", port: 5000)!

    /// A Binding request as a peer's connectivity check: USERNAME "ufrag:theirs", integrity under `password`.
    static func check(ufrag: String?, password: String, id: UInt8 = 1) throws -> [UInt8] {
        var attributes: [STUNAttribute] = [.priority(1_845_501_695), .iceControlled(tieBreaker: 7)]
        if let ufrag { attributes.insert(.username("\(ufrag):peer"), at: 0) }
        let message = STUNMessage(.request, transactionID: Array(repeating: id, count: 12), attributes: attributes)
        return try message.encode(integrityKey: Array(password.utf8), fingerprint: true)
    }

    static func request(id: UInt8) throws -> [UInt8] {
        try STUNMessage(.request, transactionID: Array(repeating: id, count: 12), attributes: [.priority(1)])
            .encode(integrityKey: Array("remote-password-remote".utf8), fingerprint: true)
    }

    static func response(id: UInt8) throws -> [UInt8] {
        try STUNMessage(.successResponse, transactionID: Array(repeating: id, count: 12),
                        attributes: [.xorMappedAddress(callerA)])
            .encode(integrityKey: Array("remote-password-remote".utf8), fingerprint: true)
    }

    static func indication() throws -> [UInt8] {
        try STUNMessage(.indication, transactionID: Array(repeating: 9, count: 12)).encode(fingerprint: true)
    }

    /// An RTP header (version 2, payload type 111) and a few payload bytes.
    static let rtp: [UInt8] = [0x80, 111, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9]
    /// A DTLS record header (handshake, DTLS 1.2) and a few bytes.
    static let dtls: [UInt8] = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]
}
