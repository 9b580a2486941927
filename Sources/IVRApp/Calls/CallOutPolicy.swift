import Flow
import Wire

/// Where a flow's `http` step may connect, decided before any connection: the host must be on an
/// allow-list when one is set (the flow's `http_allow` or `flows.http_allow`), and every address
/// it resolves to must be public unless the host is listed explicitly. Pure: the edge resolves
/// the name and asks.
struct CallOutPolicy: Sendable, Equatable {
    /// `flows.http_allow`, for every flow.
    var globalAllow: [String] = []

    /// Whether the URL's host is listed. Throws when an allow-list is set and the host is not on it.
    func hostListed(_ url: CallOutURL, flowAllow: [String]) throws(CallOutError) -> Bool {
        let lists = flowAllow + globalAllow
        if HostPattern.any(lists, match: url.host) { return true }
        if !lists.isEmpty {
            throw CallOutError(reason: "call-out to \(url.host) refused: the host is not in http_allow (the flow's) or flows.http_allow (the daemon's)")
        }
        return false
    }

    /// The address to connect to, out of those the host resolved to. An unlisted host is refused
    /// when any of its addresses is not public (loopback, private, link-local such as
    /// 169.254.169.254, multicast, reserved).
    func destination(_ url: CallOutURL, listed: Bool, addresses: [IPAddress]) throws(CallOutError) -> IPAddress {
        // One address is used, IPv4 first (loopback services often listen on 127.0.0.1 only).
        guard let first = addresses.first(where: \.isV4) ?? addresses.first else {
            throw CallOutError(reason: "call-out to \(url.host) refused: the name has no address")
        }
        if listed { return first }
        for a in addresses {
            if let why = a.restriction {
                let shown = url.host == a.description ? a.description : "\(url.host) (\(a))"
                throw CallOutError(reason: "call-out to \(shown) refused: \(why); list the host in http_allow or flows.http_allow to allow it")
            }
        }
        return first
    }
}
