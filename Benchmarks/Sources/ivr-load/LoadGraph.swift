import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import Wire

/// The Graph API as the load sees it: a loopback HTTP server that answers every call action with
/// success and hands each one, timestamped on arrival, to the call it names.
final class LoadGraph: Sendable {
    enum Action: Sendable {
        case preAccept(sdp: String, at: Instant)
        case accept(sdp: String, at: Instant)
        case terminate(at: Instant)
        case other(String, at: Instant)
    }

    private let calls = NIOLockedValueBox<[String: AsyncStream<Action>.Continuation]>([:])
    private let unmatched = NIOLockedValueBox(0)
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    let port: Int

    private init(group: ServiceGroup, task: Task<Void, any Error>, port: Int) {
        self.group = group
        self.task = task
        self.port = port
    }

    /// The actions for `callID` from now on.
    func register(_ callID: String) -> AsyncStream<Action> {
        let (stream, continuation) = AsyncStream.makeStream(of: Action.self)
        calls.withLockedValue { $0[callID] = continuation }
        return stream
    }

    func unregister(_ callID: String) {
        calls.withLockedValue { $0.removeValue(forKey: callID) }?.finish()
    }

    /// Requests that named no known call (a sign of a broken run).
    var unmatchedRequests: Int { unmatched.withLockedValue { $0 } }

    private func deliver(_ body: [UInt8], now: Instant) {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let callID = json["call_id"] as? String else { return }
        let sdp = ((json["session"] as? [String: Any])?["sdp"] as? String) ?? ""
        let action: Action
        switch json["action"] as? String {
        case "pre_accept": action = .preAccept(sdp: sdp, at: now)
        case "accept": action = .accept(sdp: sdp, at: now)
        case "terminate": action = .terminate(at: now)
        case let a: action = .other(a ?? "?", at: now)
        }
        if let c = calls.withLockedValue({ $0[callID] }) {
            c.yield(action)
        } else {
            unmatched.withLockedValue { $0 += 1 }
        }
    }

    static func start(port: Int, clock: any MonotonicClock) async throws -> LoadGraph {
        let box = NIOLockedValueBox<LoadGraph?>(nil)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let now = clock.now()
            let body = try await request.body.collect(upTo: 1 << 20)
            let isMessage = request.uri.path.hasSuffix("/messages")
            box.withLockedValue { $0 }?.deliver(Array(buffer: body), now: now)
            let reply = isMessage
                ? #"{"messaging_product":"whatsapp","contacts":[],"messages":[{"id":"wamid.LOAD"}]}"#
                : #"{"messaging_product":"whatsapp","success":true}"#
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: reply)))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "load-graph")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in
                                  portContinuation.yield(channel.localAddress?.port ?? 0)
                                  portContinuation.finish()
                              }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var bound = 0
        for await p in ports { bound = p }
        let graph = LoadGraph(group: group, task: task, port: bound)
        box.withLockedValue { $0 = graph }
        return graph
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
