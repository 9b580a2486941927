import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// A real HTTP server on loopback standing in for the Graph API (or a BSP): it records every
/// request and answers from a script, defaulting to the API's success bodies.
public final class GraphStandIn: Sendable {
    public struct Recorded: Sendable, Equatable {
        public var method: String
        public var path: String
        /// Header fields by lowercase name.
        public var headers: [String: String]
        public var body: [UInt8]

        /// A header's value, the name matched without regard to case.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// The body parsed as a JSON object.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var headers: [String: String]
        /// How long the stand-in waits before answering (a slow API, a lost answer).
        public var delay: Duration = .zero

        public init(status: Int, body: String, headers: [String: String] = [:]) {
            self.status = status
            self.body = body
            self.headers = headers
        }

        /// This reply, answered only after `delay`.
        public func after(_ delay: Duration) -> Reply {
            var reply = self
            reply.delay = delay
            return reply
        }

        public static let callOK = Reply(status: 200, body: #"{"messaging_product":"whatsapp","success":true}"#)

        /// A Graph error envelope.
        public static func error(status: Int, code: Int, message: String = "test error", type: String = "OAuthException",
                                 details: String? = nil, fbtraceID: String = "AbCdEf123") -> Reply {
            var err: [String: Any] = ["message": message, "type": type, "code": code, "fbtrace_id": fbtraceID]
            if let details { err["error_data"] = ["details": details] }
            let data = (try? JSONSerialization.data(withJSONObject: ["error": err], options: [.sortedKeys])) ?? Data()
            return Reply(status: status, body: String(decoding: data, as: UTF8.self))
        }
    }

    private struct State {
        var requests: [Recorded] = []
        var script: [Reply] = []
        var messageCount = 0
    }

    private let state = NIOLockedValueBox(State())
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    public let port: Int

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public var requests: [Recorded] { state.withLockedValue { $0.requests } }

    /// Queues replies, used in order before the default ones.
    public func script(_ replies: Reply...) {
        state.withLockedValue { $0.script += replies }
    }

    private init(group: ServiceGroup, task: Task<Void, any Error>, port: Int) {
        self.group = group
        self.task = task
        self.port = port
    }

    private func respond(_ recorded: Recorded) -> Reply {
        state.withLockedValue { s in
            s.requests.append(recorded)
            if !s.script.isEmpty { return s.script.removeFirst() }
            if recorded.path.hasSuffix("/messages") {
                s.messageCount += 1
                let to = (recorded.json?["to"] as? String) ?? ""
                return Reply(status: 200, body: """
                    {"messaging_product":"whatsapp","contacts":[{"input":"\(to)","wa_id":"\(to)"}],\
                    "messages":[{"id":"wamid.STANDIN\(s.messageCount)"}]}
                    """)
            }
            return .callOK
        }
    }

    /// Starts a stand-in on 127.0.0.1 with an ephemeral port.
    public static func start() async throws -> GraphStandIn {
        let box = NIOLockedValueBox<GraphStandIn?>(nil)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 8 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let recorded = Recorded(method: "POST", path: request.uri.path, headers: headers,
                                    body: Array(buffer: body))
            guard let standIn = box.withLockedValue({ $0 }) else {
                return Response(status: .serviceUnavailable)
            }
            let reply = standIn.respond(recorded)
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            var response = Response(status: .init(code: reply.status),
                                    headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(string: reply.body)))
            for (k, v) in reply.headers {
                if let name = HTTPField.Name(k) { response.headers[name] = v }
            }
            return response
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "graph-stand-in")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  portContinuation.yield(channel.localAddress?.port ?? 0)
                                  portContinuation.finish()
                              }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await p in ports { port = p }
        let standIn = GraphStandIn(group: group, task: task, port: port)
        box.withLockedValue { $0 = standIn }
        return standIn
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
