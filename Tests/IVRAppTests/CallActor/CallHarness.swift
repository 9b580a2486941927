import AsyncHTTPClient
import Audio
import Flow
import Foundation
@testable import IVRApp
import IVRTesting
import Logging
import Media
import NIOConcurrencyHelpers
import Store
@testable import WhatsApp
@testable import WhatsAppWire
import Wire

/// Real calls without sockets: the call service with its actors, a real store (a temp SQLite file), the
/// real finalizer and follow-up planner over flows written for the test, the Graph API stand-in on
/// loopback, fake media, and a manual clock the calls wait on.
final class CallHarness: Sendable {
    static let number = "106540352242922"
    static let caller = "13175551234"

    let dir: URL
    let store: Store
    let standIn: GraphStandIn
    let catalog: FlowCatalog
    let finalizer: CallFinalizer
    let media = FakeMediaFactory()
    let clock = ManualClock()
    let service: CallService
    let lines = CallOutcomeTests.Lines()
    private let running: NIOLockedValueBox<Task<Void, any Error>?> = NIOLockedValueBox(nil)

    init(flows: [String: String], drainTimeout: Duration = .seconds(30), maxCalls: Int = 1000,
         spoken: SpokenPromptCache? = nil) async throws {
        dir = try Fixtures.temporaryDirectory("calls")
        let flowsDir = dir.appendingPathComponent("Flows")
        try FileManager.default.createDirectory(at: flowsDir, withIntermediateDirectories: true)
        for (name, text) in flows {
            try text.write(to: flowsDir.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let prompts = Fixtures.repositoryRoot().appendingPathComponent("Prompts").path
        store = try Store(path: dir.appendingPathComponent("ivr.sqlite").path)
        standIn = try await GraphStandIn.start()
        catalog = FlowCatalog(directory: flowsDir.path, promptsDirectory: prompts, defaultFlow: nil)
        let problems = catalog.reload().filter { $0.severity == .error }
        guard problems.isEmpty else { throw HarnessError(text: "flows do not validate: \(problems)") }
        let graph = GraphClient(http: .shared, endpoint: .meta(baseURL: standIn.baseURL, accessToken: "T"),
                                retry: RetryPolicy(maxAttempts: 1), requestTimeout: .seconds(5),
                                logger: Logger(label: "test.graph"))
        let lines = self.lines
        let outcomeLogger = Logger(label: "ivr.calls") { label in
            JSONLogHandler(label: label) { line in lines.box.withLockedValue { $0.append(line) } }
        }
        finalizer = CallFinalizer(store: store, graph: graph, planner: FlowFollowupPlanner(catalog: catalog),
                                  logger: outcomeLogger)
        let context = CallContext(media: media, graph: graph, store: store, finalizer: finalizer,
                                  runtime: FlowRuntime(prompts: PromptCache(folder: prompts), http: .shared, spoken: spoken),
                                  catalog: catalog, metrics: IVRMetrics(), clock: clock)
        service = CallService(context: context, drainTimeout: drainTimeout, maxCalls: maxCalls,
                              logger: Logger(label: "test.calls"))
        let service = self.service
        running.withLockedValue { $0 = Task { try await service.run() } }
    }

    /// A `connect` for `callID`, as the webhook processor hands it over (the row recorded first).
    @discardableResult
    func connect(_ callID: String, number: String = CallHarness.number) async throws -> Bool {
        try await store.insertCall(CallRecord(id: callID, phoneNumberID: number, caller: Self.caller, status: .received,
                                              receivedAt: Date()))
        let call = CallConnect(business: BusinessContext(wabaID: nil, phoneNumberID: number, displayPhoneNumber: nil),
                               callID: callID, from: Self.caller, fromUserID: nil, to: nil, callerName: "Ana",
                               timestamp: nil, direction: nil, sdpType: "offer", sdp: "v=0", ctaPayload: nil,
                               deeplinkPayload: nil)
        return service.start(call, route: catalog.route(phoneNumberID: number), logger: Logger(label: "test.call"))
    }

    /// The call's fake media once its answer exists.
    func channel(_ callID: String) async throws -> FakeMediaChannel {
        let media = self.media
        guard try await eventually(attempts: 800, { media.channel(callID) != nil }), let c = media.channel(callID) else {
            throw HarnessError(text: "no media was answered for \(callID)")
        }
        return c
    }

    /// Connects the call's media and waits until its flow runs.
    func answer(_ callID: String) async throws -> FakeMediaChannel {
        let channel = try await self.channel(callID)
        let store = self.store
        _ = try await eventually(attempts: 800) { try await store.call(id: callID)?.status == .preAccepted }
        channel.connect()
        _ = try await eventually(attempts: 800) { try await store.call(id: callID)?.status == .accepted }
        return channel
    }

    func row(_ callID: String) async throws -> CallRecord? { try await store.call(id: callID) }

    /// WhatsApp's `terminate` for the call, handed to its owner as the webhook processor does. False when
    /// no owner holds the call.
    func terminate(_ callID: String, status: TerminateStatus = .completed, durationSeconds: Int = 3) -> Bool {
        let t = CallTerminate(business: BusinessContext(wabaID: nil, phoneNumberID: Self.number, displayPhoneNumber: nil),
                              callID: callID, from: Self.caller, to: nil, status: status, timestamp: nil,
                              startTime: nil, endTime: nil, durationSeconds: durationSeconds, bizOpaqueCallbackData: nil, errors: [])
        return service.registry.send(.terminated(t), to: callID)
    }

    func waitFinal(_ callID: String) async throws -> CallRecord? {
        let store = self.store
        _ = try await eventually(attempts: 800) { try await store.call(id: callID)?.finalizedAt != nil }
        return try await store.call(id: callID)
    }

    func graphActions(_ action: String) -> [String] {
        standIn.requests.filter { $0.json?["action"] as? String == action }.compactMap { $0.json?["call_id"] as? String }
    }

    /// Waits until the calls are asleep on the clock (their next step is a timer), then moves it on.
    func advance(by d: Duration) async {
        let clock = self.clock
        _ = await eventually(attempts: 200, every: .milliseconds(5)) { clock.sleepers > 0 }
        clock.advance(by: d)
    }

    func runResult() async -> Result<Void, any Error>? {
        guard let task = running.withLockedValue({ $0 }) else { return nil }
        return await task.result
    }

    func close() async {
        service.beginDrain()
        clock.advance(by: .seconds(3600))
        _ = await runResult()
        await standIn.stop()
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
