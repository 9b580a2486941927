import Foundation
import Hashing

/// What WhatsApp sends, shaped as the Calling API documents it: the caller's SDP offer (ice-lite,
/// actpass, Opus 111 + telephone-event 126) and the signed `calls` webhooks.
enum WhatsAppShapes {
    static let phoneNumberID = "106540352242922"
    static let businessNumber = "15550783881"

    /// An offer as WhatsApp's media server makes it, for a caller socket at `ip:port`.
    static func offer(ufrag: String, pwd: String, fingerprint: String, ip: String, port: Int, ssrc: UInt32,
                      sessionID: UInt64) -> String {
        [
            "v=0", "o=- \(sessionID) 2 IN IP4 \(ip)", "s=-", "t=0 0", "a=ice-lite", "a=group:BUNDLE audio",
            "a=msid-semantic: WMS wa-stream",
            "m=audio \(port) UDP/TLS/RTP/SAVPF 111 126",
            "c=IN IP4 \(ip)",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=candidate:1 1 udp 2122260223 \(ip) \(port) typ host generation 0 network-id 1",
            "a=ice-ufrag:\(ufrag)", "a=ice-pwd:\(pwd)", "a=ice-options:trickle",
            "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass", "a=mid:audio",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=sendrecv", "a=msid:wa-stream wa-audio", "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1;maxaveragebitrate=20000;maxplaybackrate=16000;sprop-maxcapturerate=16000",
            "a=rtpmap:126 telephone-event/8000",
            "a=ssrc:\(ssrc) cname:wa-audio-cname", "a=ssrc:\(ssrc) msid:wa-stream wa-audio",
        ].joined(separator: "\r\n") + "\r\n"
    }

    static func envelope(call: [String: Any], from: String) throws -> Data {
        let value: [String: Any] = [
            "messaging_product": "whatsapp",
            "metadata": ["phone_number_id": phoneNumberID, "display_phone_number": businessNumber],
            "contacts": [["profile": ["name": "Load Caller"], "wa_id": from]],
            "calls": [call],
        ]
        return try JSONSerialization.data(withJSONObject: [
            "object": "whatsapp_business_account",
            "entry": [["id": "102290129340398", "changes": [["field": "calls", "value": value]]]],
        ])
    }

    static func connect(callID: String, from: String, offer: String) throws -> Data {
        try envelope(call: [
            "id": callID, "from": from, "to": businessNumber, "event": "connect", "direction": "USER_INITIATED",
            "timestamp": String(Int(Date().timeIntervalSince1970)),
            "session": ["sdp_type": "offer", "sdp": offer],
        ], from: from)
    }

    static func terminate(callID: String, from: String, start: Date, end: Date) throws -> Data {
        try envelope(call: [
            "id": callID, "from": from, "to": businessNumber, "event": "terminate", "direction": "USER_INITIATED",
            "timestamp": String(Int(end.timeIntervalSince1970)), "status": "COMPLETED",
            "start_time": String(Int(start.timeIntervalSince1970)), "end_time": String(Int(end.timeIntervalSince1970)),
            "duration": max(0, Int(end.timeIntervalSince(start))),
        ], from: from)
    }

    /// The `X-Hub-Signature-256` header value for `body`.
    static func signature(_ body: Data, secret: String) -> String {
        "sha256=" + Hex.encode(HMAC.sha256(key: Array(secret.utf8), data: Array(body)))
    }
}
