import NIOCore
import Wire

/// Converts between NIO's socket addresses and the sessions' transport addresses without the text
/// round trip NIO's accessors cost, by remembering the conversions of the peers a socket talks to.
/// Bounded: when full, it starts over (a flood of new sources costs conversions, not memory).
struct AddressCache {
    private var inbound: [SocketAddress: TransportAddress] = [:]
    private var outbound: [TransportAddress: SocketAddress] = [:]
    let limit: Int

    init(limit: Int = 4096) { self.limit = limit }

    mutating func transportAddress(of address: SocketAddress) -> TransportAddress? {
        if let known = inbound[address] { return known }
        guard let converted = TransportAddress(address) else { return nil }
        if inbound.count >= limit { inbound.removeAll(keepingCapacity: true) }
        inbound[address] = converted
        return converted
    }

    mutating func socketAddress(of address: TransportAddress) -> SocketAddress? {
        if let known = outbound[address] { return known }
        guard let converted = try? SocketAddress(address) else { return nil }
        if outbound.count >= limit { outbound.removeAll(keepingCapacity: true) }
        outbound[address] = converted
        return converted
    }
}

extension TransportAddress {
    init?(_ address: SocketAddress) {
        guard let port = address.port, let ipText = address.ipAddress, let ip = IPAddress(ipText),
              let port16 = UInt16(exactly: port) else { return nil }
        self.init(ip: ip, port: port16)
    }
}

extension SocketAddress {
    init(_ address: TransportAddress) throws {
        self = try SocketAddress(ipAddress: address.ip.description, port: Int(address.port))
    }
}
