import Foundation
import Wire

/// Which peers may tell us the client's address (`server.trusted_proxies`, `IVR_TRUSTED_PROXIES`): a
/// reverse proxy such as nginx in front of ivrd. Sans-IO.
///
/// A request from a trusted peer is attributed to the right-most address in `X-Forwarded-For` that is not
/// itself a trusted proxy: each proxy appends the address it saw, so the entries to the left of that
/// are whatever the client chose to send and are never believed. A request from any other peer is
/// attributed to the peer, whatever headers it carries. With no trusted proxies (the default) the header
/// is never read.
public struct TrustedProxies: Sendable, Equatable {
    public var networks: [IPNetwork]

    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// Parses a list of addresses or blocks; the error names the first entry that is neither.
    public static func parse(_ entries: [String]) -> Result<TrustedProxies, InvalidEntry> {
        var networks: [IPNetwork] = []
        for entry in entries {
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard let network = IPNetwork(text) else { return .failure(InvalidEntry(text: text)) }
            networks.append(network)
        }
        return .success(TrustedProxies(networks))
    }

    public struct InvalidEntry: Error, Equatable {
        public var text: String

        public init(text: String) {
            self.text = text
        }
    }

    public func trusts(_ ip: IPAddress) -> Bool {
        networks.contains { $0.contains(ip) }
    }

    /// The client's address for a request from `peer` (an IP in text; nil when unknown) carrying the
    /// `X-Forwarded-For` header lines `forwardedFor`, as a limiter key.
    public func client(peer: String?, forwardedFor: [String]) -> String {
        guard let peer, let peerIP = IPAddress(peer) else { return peer ?? "-" }
        guard !networks.isEmpty, trusts(peerIP) else { return peer }
        // Right to left over every entry of every header line; the first one that is not a trusted proxy.
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.reversed()
        for hop in hops.prefix(Self.maxHops) {
            let text = Self.bareAddress(hop.trimmingCharacters(in: .whitespaces))
            guard let ip = IPAddress(text) else { return peer }  // garbage: stop believing the chain here
            if !trusts(ip) { return ip.unmapped.description }
        }
        return peer
    }

    /// At most this many entries are looked at (a header can be long; proxies are few).
    static let maxHops = 16

    /// "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443" or "2001:db8::1" → the address text.
    static func bareAddress(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            return String(text[..<colon])
        }
        return text
    }
}
