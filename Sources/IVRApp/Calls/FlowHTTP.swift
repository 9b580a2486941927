import AsyncHTTPClient
import Flow
import Foundation
import NIOCore
import NIOHTTP1
import Wire

/// Why an `http` step's call-out produced no answer (or was refused before connecting).
struct CallOutError: Error, Sendable, Equatable, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The flows' `http` steps at the edge. The engine builds the request (template values already
/// percent-encoded); this parses the URL strictly (http/https, no user info), checks the host
/// against the allow-lists, resolves it once with getaddrinfo, refuses non-public addresses the
/// allow-list does not name, and then connects to exactly that address (the name is kept for the
/// Host header and TLS), so a second DNS answer cannot move the request elsewhere. Redirects are
/// followed only as far as the step's `redirects:`, each target checked the same way.
struct FlowHTTP: Sendable {
    let client: HTTPClient
    var policy = CallOutPolicy()
    let maxBody = 1 << 20
    /// Name → addresses; getaddrinfo in the daemon, a table in tests.
    var resolve: @Sendable (String) async throws(CallOutError) -> [IPAddress] = HostResolver.resolve

    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    func perform(_ request: HTTPCallOut) async -> Result<(Int, [UInt8]), CallOutError> {
        let deadline = ContinuousClock.now + request.timeout
        var url: CallOutURL
        do throws(CallOutURLError) {
            url = try CallOutURL.parse(request.url)
        } catch {
            return .failure(CallOutError(reason: "call-out refused: \(error)"))
        }
        var method = request.method
        var body = request.body
        var hops = 0
        while true {
            let answer: Answer
            do throws(CallOutError) {
                let listed = try policy.hostListed(url, flowAllow: request.allowHosts)
                let addresses = url.isIPLiteral ? [IPAddress(url.host)].compactMap { $0 } : try await resolve(url.host)
                let address = try policy.destination(url, listed: listed, addresses: addresses)
                let left = deadline - ContinuousClock.now
                guard left > .zero else { return .failure(CallOutError(reason: "timed out")) }
                answer = try await send(url: url, address: address, method: method, headers: request.headers, body: body,
                                        timeout: left)
            } catch {
                return .failure(error)
            }
            guard Self.redirectStatuses.contains(answer.status), hops < request.maxRedirects,
                  let location = answer.location else {
                return .success((answer.status, answer.body))
            }
            hops += 1
            do throws(CallOutURLError) {
                url = try url.redirect(to: location)
            } catch {
                return .failure(CallOutError(reason: "redirect refused: \(error)"))
            }
            if answer.status == 303 || ((answer.status == 301 || answer.status == 302) && method != "GET") {
                method = "GET"
                body = nil
            }
        }
    }

    struct Answer {
        var status: Int
        var location: String?
        var body: [UInt8]
    }

    /// One request to one checked address, with a client that never follows redirects itself.
    private func send(url: CallOutURL, address: IPAddress, method: String, headers: [(String, String)], body: [UInt8]?,
                      timeout: Duration) async throws(CallOutError) -> Answer {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        if !url.isIPLiteral { config.dnsOverride = [url.host: address.description] }
        let http = HTTPClient(eventLoopGroup: client.eventLoopGroup, configuration: config)
        let result = await Self.execute(http, url: url, method: method, headers: headers, body: body, timeout: timeout,
                                        maxBody: maxBody)
        try? await http.shutdown()
        return try result.get()
    }

    private static func execute(_ http: HTTPClient, url: CallOutURL, method: String, headers: [(String, String)],
                                body: [UInt8]?, timeout: Duration, maxBody: Int) async -> Result<Answer, CallOutError> {
        var request = HTTPClientRequest(url: url.string)
        request.method = HTTPMethod(rawValue: method.uppercased())
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if !request.headers.contains(name: "Content-Type") { request.headers.add(name: "Content-Type", value: "application/json") }
        }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.totalNanoseconds))
            let data = try await response.body.collect(upTo: maxBody)
            return .success(Answer(status: Int(response.status.code), location: response.headers.first(name: "Location"),
                                   body: Array(buffer: data)))
        } catch {
            return .failure(CallOutError(reason: "\(error)"))
        }
    }
}
