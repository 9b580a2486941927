import STUN
import Wire

/// Why ICE failed or was disconnected, and why a received packet was dropped or a peer check rejected.
/// `description` is the sentence for the log.
public enum ICEError: Error, Equatable, Sendable, CustomStringConvertible {
    // Failure reasons (in `ICEEvent.failed`).
    /// Success responses arrived but failed MESSAGE-INTEGRITY under the remote ice-pwd.
    case responsesFailedIntegrity(count: Int, from: TransportAddress)
    /// The peer answered our checks with an error response.
    case errorResponses(code: STUNErrorCode, from: TransportAddress)
    /// Responses came from an address other than the one checked (ignored per RFC 8445 section 7.2.5.2.1).
    case asymmetricResponses(count: Int, sentTo: TransportAddress, cameFrom: TransportAddress)
    /// No response at all.
    case noResponse(candidates: Int, attempts: Int)
    // Disconnection reason (in `ICEEvent.disconnected`).
    /// RFC 7675 consent expired.
    case consentLost(remote: TransportAddress, seconds: Int)
    // Thrown by `handleReceive` (the packet was dropped, or a peer check was answered with an error).
    case malformed(from: TransportAddress, STUNError)
    case unsupportedMethod(from: TransportAddress, method: UInt16)
    case badFingerprint(from: TransportAddress, STUNError)
    case unknownTransaction(from: TransportAddress)
    case responseFromUnexpectedAddress(sentTo: TransportAddress, cameFrom: TransportAddress)
    case responseFailedIntegrity(from: TransportAddress, STUNError)
    /// A peer's check was answered with an error response (already queued for sending).
    case requestRejected(from: TransportAddress, code: Int, detail: String)

    public var description: String {
        switch self {
        case let .responsesFailedIntegrity(count, from):
            return "ICE failed: \(count) response\(count == 1 ? "" : "s") from \(from) failed MESSAGE-INTEGRITY"
                + " — is the remote ice-pwd right?"
        case let .errorResponses(code, from):
            let hint = code.code == 401 ? " — are the remote ice-ufrag and ice-pwd right?" : ""
            return "ICE failed: \(from) answered our checks with STUN error \(code)\(hint)"
        case let .asymmetricResponses(count, sentTo, cameFrom):
            return "ICE failed: \(count) response\(count == 1 ? "" : "s") to checks sent to \(sentTo) came from \(cameFrom)"
                + " and were ignored (RFC 8445 7.2.5.2.1) — is the remote behind a NAT that changes ports?"
        case let .noResponse(candidates, attempts):
            return "ICE failed: no STUN response from any of \(candidates) remote candidate\(candidates == 1 ? "" : "s")"
                + " after \(attempts) attempts"
        case let .consentLost(remote, seconds):
            return "ICE consent lost: no response from \(remote) for \(seconds) s"
        case let .malformed(from, error):
            return "dropped STUN packet from \(from): \(error)"
        case let .unsupportedMethod(from, method):
            return "dropped STUN packet from \(from): method 0x\(String(method, radix: 16)) is not Binding"
        case let .badFingerprint(from, error):
            return "dropped STUN packet from \(from): \(error)"
        case let .unknownTransaction(from):
            return "dropped STUN response from \(from): no outstanding check has its transaction id"
        case let .responseFromUnexpectedAddress(sentTo, cameFrom):
            return "dropped STUN response from \(cameFrom): the check was sent to \(sentTo)"
        case let .responseFailedIntegrity(from, error):
            return "dropped STUN response from \(from): \(error) (remote ice-pwd)"
        case let .requestRejected(from, code, detail):
            return "answered STUN check from \(from) with error \(code): \(detail)"
        }
    }
}
