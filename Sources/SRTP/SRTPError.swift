/// A libsrtp2 status code, named as in `srtp_err_status_t`.
public struct SRTPStatus: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = SRTPStatus(rawValue: 0)
    public static let badParam = SRTPStatus(rawValue: 2)
    public static let authFail = SRTPStatus(rawValue: 7)
    public static let replayFail = SRTPStatus(rawValue: 9)
    public static let replayOld = SRTPStatus(rawValue: 10)

    /// libsrtp's identifier, e.g. "srtp_err_status_auth_fail".
    public var name: String {
        let names = ["ok", "fail", "bad_param", "alloc_fail", "dealloc_fail", "init_fail", "terminus",
                     "auth_fail", "cipher_fail", "replay_fail", "replay_old", "algo_fail", "no_such_op",
                     "no_ctx", "cant_check", "key_expired", "socket_err", "signal_err", "nonce_bad",
                     "read_fail", "write_fail", "parse_err", "encode_err", "semaphore_err", "pfkey_err",
                     "bad_mki", "pkt_idx_old", "pkt_idx_adv"]
        return rawValue < names.count ? "srtp_err_status_\(names[Int(rawValue)])" : "srtp_err_status_unknown"
    }

    public var description: String { "\(name) (\(rawValue))" }
}

/// What can go wrong protecting or unprotecting SRTP/SRTCP.
public enum SRTPError: Error, Equatable, CustomStringConvertible {
    /// The master key or salt has the wrong length for the profile.
    case badKeyMaterial(field: String, profile: SRTPProfile, expected: Int, actual: Int)
    /// `srtp_init` or `srtp_create` failed.
    case sessionCreationFailed(function: String, status: SRTPStatus)
    /// The operation does not match the session's direction (protect needs outbound, unprotect inbound).
    case wrongDirection(operation: String, direction: SRTPDirection)
    /// The packet is shorter than the operation's minimum.
    case packetTooShort(operation: String, length: Int, minimum: Int)
    /// The authentication tag did not verify (`srtp_err_status_auth_fail`).
    case authenticationFailed(operation: String, status: SRTPStatus)
    /// The packet index was seen before or is behind the replay window (`replay_fail`, `replay_old`).
    case replayed(operation: String, status: SRTPStatus)
    /// Any other libsrtp failure.
    case failed(operation: String, status: SRTPStatus)

    public var description: String {
        switch self {
        case let .badKeyMaterial(field, profile, expected, actual):
            return "SRTP \(field) for \(profile.rawValue) is \(actual) bytes, expected \(expected)"
        case let .sessionCreationFailed(function, status):
            return "\(function) failed: \(status)"
        case let .wrongDirection(operation, direction):
            return "\(operation) is not allowed on an \(direction) SRTP session"
        case let .packetTooShort(operation, length, minimum):
            return "\(operation): packet of \(length) bytes is shorter than the minimum \(minimum)"
        case let .authenticationFailed(operation, status):
            return "\(operation): authentication failed: \(status)"
        case let .replayed(operation, status):
            return "\(operation): replayed or too old packet: \(status)"
        case let .failed(operation, status):
            return "\(operation) failed: \(status)"
        }
    }

    /// Classifies a libsrtp failure status.
    static func from(operation: String, status: SRTPStatus) -> SRTPError {
        switch status {
        case .authFail: return .authenticationFailed(operation: operation, status: status)
        case .replayFail, .replayOld: return .replayed(operation: operation, status: status)
        default: return .failed(operation: operation, status: status)
        }
    }
}
