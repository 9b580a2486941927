/// Errors opening media sockets.
public enum MediaTransportError: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case noFreePort(address: String, range: ClosedRange<Int>, lastError: String)
    case noUsableCandidate(family: String, offered: [String])
    /// A socket's session is built once (a second answer to one offer, for instance).
    case sessionAlreadyInstalled

    public var description: String {
        switch self {
        case let .invalidAddress(a):
            return "media address '\(a)' is not an IPv4 or IPv6 address (set IVR_MEDIA_IP)"
        case let .noFreePort(address, range, lastError):
            return "no free UDP port on \(address) in \(range.lowerBound)-\(range.upperBound) (IVR_MEDIA_PORTS): \(lastError)"
        case let .noUsableCandidate(family, offered):
            return "the offer has no \(family) candidate our media address can reach; offered: \(offered.joined(separator: ", "))"
        case .sessionAlreadyInstalled:
            return "the media socket already has its session (an answer was applied twice)"
        }
    }
}
