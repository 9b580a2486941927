#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix
import Wire

/// getaddrinfo at the edge, off the event loops (NIO's thread pool): a name's addresses, once,
/// so the call-out checks and connects to the same ones.
enum HostResolver {
    static func resolve(_ host: String) async throws(CallOutError) -> [IPAddress] {
        let result: Result<[IPAddress], CallOutError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { lookup(host) }
        } catch {
            throw CallOutError(reason: "cannot resolve \(host): \(error)")
        }
        return try result.get()
    }

    static func lookup(_ host: String) -> Result<[IPAddress], CallOutError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0 else {
            return .failure(CallOutError(reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))"))
        }
        defer { freeaddrinfo(list) }
        var out: [IPAddress] = []
        var cursor = list
        while let info = cursor?.pointee {
            if let sa = info.ai_addr {
                switch info.ai_family {
                case AF_INET:
                    let a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    if let ip = withUnsafeBytes(of: a, { IPAddress(bytes: Array($0)) }), !out.contains(ip) { out.append(ip) }
                case AF_INET6:
                    let a = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    if let ip = withUnsafeBytes(of: a, { IPAddress(bytes: Array($0)) }), !out.contains(ip) { out.append(ip) }
                default:
                    break
                }
            }
            cursor = info.ai_next
        }
        return .success(out)
    }
}
