import AsyncHTTPClient
import Audio
import Flow
import Foundation
import Hummingbird
import Logging
import MediaTransport
import ServiceLifecycle
import SRTP
import UnixSignals
import Media
import Wire
import Store
import Synthesis
import WhatsApp

/// Builds the daemon from a config: store, routes, Graph client, webhook processor, HTTP app.
public struct IVRServer: Sendable {
    public let config: IVRConfig
    public let store: any CallStore
    public let catalog: FlowCatalog
    /// Voice menus, when a speech model is installed.
    public let speech: SpeechRuntime?
    /// Problems found loading the flows at start-up (also logged by `logStartup`).
    public let flowDiagnostics: [Diagnostic]
    public let metrics: IVRMetrics
    public let processor: WebhookProcessor
    /// Every call's owner, and the drain.
    public let calls: CallService
    /// Ends calls once (terminate webhook or our hang-up) and queues their follow-ups.
    public let finalizer: CallFinalizer
    /// Sends the queued follow-ups; one of the application's services.
    public let outbox: OutboxWorker
    /// With a PostgreSQL store: this instance's heartbeat and the take-over of lost instances' calls.
    public let instances: InstanceService?
    /// Places calls (`POST /v1/calls`) and keeps their permissions; nil only for a store without outbound tables.
    public let outbound: OutboundCalls?
    /// Places due scheduled calls and campaign rows; nil where `outbound` is.
    public let dialer: DialerService?
    public let logger: Logger
    let http: HTTPClient
    /// Where media is served, for the start-up log.
    public private(set) var mediaSummary = "injected handler"

    public init(config: IVRConfig, logger: Logger, media: (any CallMediaFactory)? = nil,
                metrics: IVRMetrics = IVRMetrics(), graph: (any GraphAPI)? = nil, planner: (any FollowupPlanner)? = nil,
                outcomeLogger: Logger? = nil, clock: any SleepingClock = SystemMonotonicClock(),
                hurryOnSecondSignal: Bool = false) throws {
        self.config = config
        self.logger = logger
        self.metrics = metrics
        self.recordingsDirectory = config.retention.recordingsDirectory
        self.store = try StoreChoice.open(config)
        metrics.watchStore(store)
        let speech = SpeechRuntime.load(modelPath: config.speech.model, dictionaryPath: config.speech.dictionary,
                                        limit: config.speech.maxConcurrent, logger: logger)
        self.speech = speech
        self.catalog = FlowCatalog(directory: config.flowsDirectory, promptsDirectory: config.promptsDirectory,
                                   defaultFlow: config.defaultFlow, check: speech?.checker)
        self.flowDiagnostics = catalog.reload()
        self.http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = graph ?? GraphClient(http: http, endpoint: config.graphEndpoint, retry: config.retryPolicy,
                                          requestTimeout: .milliseconds(config.graph.requestTimeoutMs),
                                          maxRetryAfter: .seconds(config.graph.maxRetryAfterSeconds),
                                          logger: Logger(label: "ivr.graph"), metricsFactory: metrics.factory)
        // The outbox schedules its retries itself (durably), so its client makes one attempt per send.
        let outboxClient = graph ?? GraphClient(http: http, endpoint: config.graphEndpoint, retry: .none,
                                                requestTimeout: .milliseconds(config.graph.requestTimeoutMs),
                                                maxRetryAfter: .seconds(config.graph.maxRetryAfterSeconds),
                                                logger: Logger(label: "ivr.graph"), metricsFactory: metrics.factory)
        self.outbox = OutboxWorker(store: store, graph: outboxClient, policy: config.outbox.policy,
                                   logger: Logger(label: "ivr.outbox"), metricsFactory: metrics.factory)
        self.finalizer = CallFinalizer(store: store, graph: client,
                                       planner: planner ?? FlowFollowupPlanner(
                                           catalog: catalog,
                                           fallback: config.outbox.followup.map { ConfiguredFollowup(rule: $0) }),
                                       outbox: outbox, logger: outcomeLogger ?? Logger(label: "ivr.calls"),
                                       metricsFactory: metrics.factory)
        let answering: any CallMediaFactory
        if let media {
            answering = media
        } else {
            do {
                let ip = config.media.ip ?? MediaAddress.guess()
                var mediaConfig = MediaEngine.Config(ip: ip, ports: config.media.ports)
                mediaConfig.session.connectTimeout = .seconds(config.media.connectTimeoutSeconds)
                mediaConfig.perCallSockets = config.media.perCallSockets
                answering = try MediaEngine(config: mediaConfig)
                self.mediaSummary = "\(ip) ports \(config.media.ports.lowerBound)-\(config.media.ports.upperBound)"
                    + (config.media.perCallSockets ? " (one socket per call)" : " (shared, one socket per event loop)")
                    + (config.media.ip == nil ? " (guessed: set IVR_MEDIA_IP to the address WhatsApp can reach)" : "")
            } catch {
                answering = UnavailableMedia(reason: "media core unavailable: \(error)")
                self.mediaSummary = "unavailable: \(error)"
            }
        }
        var timing = CallMachine.Timing()
        timing.acceptWindow = .seconds(config.graph.acceptWindowSeconds)
        timing.ringTimeout = .seconds(config.outbound.ringTimeoutSeconds)
        timing.permissionWait = .seconds(config.outbound.permissionWaitSeconds)
        timing.maxCallDuration = .seconds(config.server.maxCallSeconds)
        let spoken = SpokenPromptCache(renderer: SpeechSynthesizer.shared,
                                       onLookup: { [metrics] hit in metrics.spokenPromptLookup(hit: hit) })
        SpeechPrerender.start(catalog: catalog, spoken: spoken, logger: Logger(label: "ivr.prompts"))
        let context = CallContext(media: answering, graph: client, store: store, finalizer: finalizer,
                                  runtime: FlowRuntime(prompts: PromptCache(folder: config.promptsDirectory),
                                                       http: http, speech: speech, metrics: metrics,
                                                       httpAllow: config.flowHTTPAllow, spoken: spoken,
                                                       recordingsDirectory: config.retention.recordingsDirectory),
                                  catalog: catalog, metrics: metrics, clock: clock, timing: timing,
                                  scheduledCalls: store as? any ScheduledCallStore)
        self.calls = CallService(context: context, drainTimeout: .seconds(config.server.drainTimeoutSeconds),
                                 maxCalls: config.server.maxCalls,
                                 hurrySignals: hurryOnSecondSignal ? [.sigterm, .sigint] : [],
                                 logger: Logger(label: "ivr.calls"))
        let directory = store as? any InstanceDirectory
        let lease = TimeInterval(config.instance.leaseSeconds)
        var forwarder: OwnerForwarder?
        if let directory, let secret = config.whatsapp.appSecret {
            forwarder = OwnerForwarder(directory: directory, store: store, http: http, secret: secret, lease: lease,
                                       logger: Logger(label: "ivr.cluster"))
        }
        var outbound: OutboundCalls?
        if let placing = store as? any OutboundStore {
            outbound = OutboundCalls(calls: calls, store: placing, config: config.outbound, logger: Logger(label: "ivr.calls"))
        }
        self.outbound = outbound
        if let outbound, let rows = store as? any DialerStore {
            self.dialer = DialerService(store: rows, outbound: outbound, config: config.outbound.dialer,
                                        logger: Logger(label: "ivr.dialer"))
        } else {
            self.dialer = nil
        }
        let processor = WebhookProcessor(store: store, graph: client, catalog: catalog, calls: calls, metrics: metrics,
                                         logger: Logger(label: "ivr.calls"), finalizer: finalizer,
                                         maxQueued: config.server.maxQueuedEvents, forwarder: forwarder, outbound: outbound)
        self.processor = processor
        if let directory {
            let catalog = self.catalog
            self.instances = InstanceService(directory: directory, finalizer: finalizer, processor: processor,
                                             internalURL: StoreChoice.internalURL(config), mediaAddress: mediaSummary,
                                             flowVersions: { catalog.versionSummary }, lease: lease,
                                             logger: Logger(label: "ivr.cluster"))
        } else {
            self.instances = nil
        }
    }

    /// Extra routes on the admin listener, behind the admin token (the console and `/v1` are always there).
    public var adminRoutes: [any AdminRoutes] = []
    /// The console's logins.
    public let adminSessions = AdminSessions()
    /// Where the flow engine writes recordings (`retention.recordings_dir`; the console serves them from here).
    public var recordingsDirectory: String

    /// The console and the `/v1` API (placing calls included).
    public var consoleRoutes: ConsoleRoutes {
        let outbox = self.outbox
        return ConsoleRoutes(store: store, catalog: catalog, sessions: adminSessions,
                             recordingsDirectory: recordingsDirectory, wakeOutbox: { outbox.wake() }, outbound: outbound)
    }

    var health: HealthRoutes {
        let calls = self.calls, work = self.processor, catalog = self.catalog
        return HealthRoutes(store: store, queueDepth: { work.queueDepth }, draining: { calls.isDraining },
                            instance: (store as? any InstanceDirectory)?.instanceID,
                            flows: { catalog.loadedVersions })
    }

    func router() -> Router<IVRRequestContext> {
        let webhooks = WebhookRoutes(secrets: config.whatsapp, maxBodyBytes: config.http.maxBodyBytes,
                                     processor: processor, metrics: metrics, logger: Logger(label: "ivr.webhook"),
                                     limits: FailureLimiter.Limits(burst: config.http.authFailureBurst,
                                                                   perMinute: config.http.authFailuresPerMinute,
                                                                   maxSources: config.http.rateLimitSources),
                                     proxies: config.http.trustedProxies)
        let router = IVRRouter.build(webhooks: webhooks, health: health)
        if instances != nil {
            ForwardRoute(secret: config.whatsapp.appSecret, maxBodyBytes: config.http.maxBodyBytes, processor: processor,
                         logger: Logger(label: "ivr.cluster")).add(to: router)
        }
        return router
    }

    func adminRouter() -> Router<IVRRequestContext> {
        AdminRouter.build(token: config.admin.token, health: health, metrics: metrics,
                          routes: [consoleRoutes] + adminRoutes, sessions: adminSessions, proxies: config.http.trustedProxies)
    }

    /// The Hummingbird application with every service of the daemon (for tests that run it in-process).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        httpApplication(services: [outbox, processor, FlowWatcher(catalog: catalog, logger: Logger(label: "ivr.flows")), calls]
                            + (instances.map { [$0] } ?? []) + (dialer.map { [$0] } ?? []),
                        onServerRunning: onServerRunning)
    }

    func httpApplication(services: [any Service], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        listener(router(), host: config.http.host, port: config.http.port, label: "ivr.http", services: services,
                 onServerRunning: onServerRunning)
    }

    /// The admin listener (`admin.host`:`admin.port`), with the same HTTP limits as the public port.
    public func adminApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        listener(adminRouter(), host: config.admin.host, port: config.admin.port, label: "ivr.admin",
                 onServerRunning: onServerRunning)
    }

    /// One HTTP listener under the `http:` limits (read deadlines, idle timeout, connection cap).
    private func listener(_ router: Router<IVRRequestContext>, host: String, port: Int, label: String,
                          services: [any Service] = [],
                          onServerRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let limits = HTTPLimits(config.http)
        let counters = self.metrics
        return Application(router: router,
                           server: limits.server(onTimeout: { counters.httpTimeout(kind: $0) }),
                           configuration: limits.configuration(host: host, port: port, logger: Logger(label: label)),
                           services: services,
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                           logger: Logger(label: label))
    }

    /// Logs the start-up summary, with one warning if secrets are missing.
    public func logStartup() {
        FlowWatcher.log(flowDiagnostics, to: logger)
        logger.info("ivrd starting", metadata: [
            "http": "\(config.http.host):\(config.http.port)",
            "admin": "\(config.admin.host):\(config.admin.port)\(config.admin.token == nil ? " (no token: /metrics and /healthz only)" : "")",
            "db": "\(store.summary)",
            "flows": "\(catalog.flowNames.joined(separator: ","))",
            "default_flow": "\(catalog.defaultFlowName ?? "-")", "prompts": "\(config.promptsDirectory)",
            "graph": "\(config.graphEndpoint.profile.rawValue) \(config.graphEndpoint.baseURL)",
            "media": "\(mediaSummary)",
            "srtp": "\(SRTPSession.cryptoInitialisation.rawValue); \(LoadedLibrary.path(named: "libsrtp2.so") ?? "libsrtp2 file unknown")",
        ])
        if outbound == nil {
            logger.notice("placing calls (POST /v1/calls, ivrd call) is not served: the store \(store.summary) has no outbound tables")
        }
        if store as? any ScheduledCallStore == nil {
            logger.notice("""
                the store \(store.summary) keeps no scheduled calls: a schedule_call step takes its on_error and a \
                callback follow-up is not recorded
                """)
        }
        if outbound != nil, dialer == nil {
            logger.notice("scheduled calls and campaigns are not placed: the store \(store.summary) has no dialer")
        }
        let missing = config.missingSecrets
        if !missing.isEmpty {
            logger.warning("""
                running without WhatsApp credentials (\(missing.joined(separator: ", ")) not set): \
                /healthz is served, webhook requests are refused with 503 until they are configured
                """)
        }
    }

    /// Runs until SIGTERM/SIGINT, then stops in order: the calls drain first while the HTTP server still
    /// serves (their `terminate` webhooks arrive, `/healthz` answers 503 "draining", a new `connect`
    /// gets 503), then the HTTP server, the webhook processor, and the outbox with a bounded flush; the
    /// HTTP client is shut down last. (A service group shuts its services down in reverse order, one
    /// after the other.)
    public func run() async throws {
        logStartup()
        try await store.prepare()
        await instances?.beat()
        await recover()
        let group = ServiceGroup(configuration: .init(
            services: [outbox, processor, FlowWatcher(catalog: catalog, logger: Logger(label: "ivr.flows")),
                       RetentionService(job: RetentionJob(store: store, policy: config.retention),
                                        logger: Logger(label: "ivr.retention")),
                       httpApplication(services: []), adminApplication(), calls] + (instances.map { [$0] } ?? [])
                // The dialer last: it stops first, before the calls drain.
                + (dialer.map { [$0] } ?? []),
            gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "ivr.lifecycle")))
        do {
            try await group.run()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        await store.close()
        logger.info("ivrd stopped")
    }

    /// What a previous process left: its unfinalized calls are finalized `interrupted`, except those the
    /// webhook events it acknowledged and never handled will settle, and those events are replayed.
    /// A call this process placed may still ring at the user's phone, or be up with nobody on our side: it is
    /// ended at WhatsApp by its id there, all at once and for at most 5 s, before the webhook port opens.
    public func recover() async {
        let pending = await processor.pendingEvents()
        let interrupted = await calls.reconcileInterrupted(leaving: await processor.plan(pending))
        await processor.replay(pending)
        var placed: [(id: String, whatsApp: String, number: String)] = []
        for row in interrupted {
            if case let .other(whatsApp) = await processor.graphCallID(forCall: row.id) {
                placed.append((row.id, whatsApp, row.phoneNumberID))
            }
        }
        guard !placed.isEmpty else { return }
        let graph = calls.context.graph, deadline = ContinuousClock.now + .seconds(5), log = logger
        await withTaskGroup(of: Void.self) { group in
            for call in placed {
                group.addTask {
                    do {
                        try await graph.terminate(callID: call.whatsApp, phoneNumberID: call.number, deadline: deadline)
                        log.notice("placed call interrupted by a restart ended at WhatsApp", metadata: [
                            "call_id": "\(call.id)", "wa_call_id": "\(call.whatsApp)",
                        ])
                    } catch {
                        log.warning("cannot end an interrupted placed call at WhatsApp", metadata: [
                            "call_id": "\(call.id)", "wa_call_id": "\(call.whatsApp)", "error": "\(error)",
                        ])
                    }
                }
            }
        }
    }

    /// Closes resources when the server was built but not run (tests).
    public func shutdown() async throws {
        try await http.shutdown()
        await store.close()
    }
}
