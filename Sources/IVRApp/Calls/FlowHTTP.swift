import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Wire

/// Why an `http` step's call-out produced no answer.
struct CallOutError: Error, Sendable {
    var reason: String
}

/// The flows' `http` steps over AsyncHTTPClient: the engine builds the request (templates
/// rendered), this sends it with the step's timeout and hands back status and body.
struct FlowHTTP: Sendable {
    let client: HTTPClient
    let maxBody = 1 << 20

    func perform(method: String, url: String, headers: [(String, String)], body: [UInt8]?, timeout: Duration) async
        -> Result<(Int, [UInt8]), CallOutError> {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.uppercased())
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if !request.headers.contains(name: "Content-Type") { request.headers.add(name: "Content-Type", value: "application/json") }
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.totalNanoseconds))
            let data = try await response.body.collect(upTo: maxBody)
            return .success((Int(response.status.code), Array(buffer: data)))
        } catch {
            return .failure(CallOutError(reason: "\(error)"))
        }
    }
}
