import AsyncHTTPClient
import Audio
import Flow
import Foundation
import Hummingbird
import Logging
import MediaTransport
import ServiceLifecycle
import Store
import WhatsApp

/// Builds the daemon from a config: store, routes, Graph client, webhook processor, HTTP app.
public struct IVRServer: Sendable {
    public let config: IVRConfig
    public let store: Store
    public let catalog: FlowCatalog
    /// Voice menus, when a speech model is installed.
    public let speech: SpeechRuntime?
    /// Problems found loading the flows at start-up (also logged by `logStartup`).
    public let flowDiagnostics: [Diagnostic]
    public let metrics: IVRMetrics
    public let processor: WebhookProcessor
    /// Ends calls once (terminate webhook or our hang-up) and queues their follow-ups.
    public let finalizer: CallFinalizer
    /// Sends the queued follow-ups; one of the application's services.
    public let outbox: OutboxWorker
    public let logger: Logger
    let http: HTTPClient
    /// Where media is served, for the start-up log.
    public private(set) var mediaSummary = "injected handler"

    public init(config: IVRConfig, logger: Logger, handler: (any CallHandler)? = nil, metrics: IVRMetrics = IVRMetrics(),
                graph: (any GraphAPI)? = nil, planner: (any FollowupPlanner)? = nil,
                outcomeLogger: Logger? = nil) throws {
        self.config = config
        self.logger = logger
        self.metrics = metrics
        self.store = try Store(path: config.database)
        let speech = SpeechRuntime.load(modelPath: config.speech.model, dictionaryPath: config.speech.dictionary,
                                        limit: config.speech.maxConcurrent, logger: logger)
        self.speech = speech
        self.catalog = FlowCatalog(directory: config.flowsDirectory, promptsDirectory: config.promptsDirectory,
                                   defaultFlow: config.defaultFlow, check: speech?.checker)
        self.flowDiagnostics = catalog.reload()
        self.http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = graph ?? GraphClient(http: http, endpoint: config.graphEndpoint, retry: config.retryPolicy,
                                          requestTimeout: .milliseconds(config.graph.requestTimeoutMs),
                                          logger: Logger(label: "ivr.graph"), metricsFactory: metrics.factory)
        // The outbox schedules its retries itself (durably), so its client makes one attempt per send.
        let outboxClient = graph ?? GraphClient(http: http, endpoint: config.graphEndpoint, retry: .none,
                                                requestTimeout: .milliseconds(config.graph.requestTimeoutMs),
                                                logger: Logger(label: "ivr.graph"), metricsFactory: metrics.factory)
        self.outbox = OutboxWorker(store: store, graph: outboxClient, policy: config.outbox.policy,
                                   logger: Logger(label: "ivr.outbox"), metricsFactory: metrics.factory)
        self.finalizer = CallFinalizer(store: store, graph: client,
                                       planner: planner ?? FlowFollowupPlanner(
                                           catalog: catalog,
                                           fallback: config.outbox.followup.map { ConfiguredFollowup(rule: $0) }),
                                       outbox: outbox, logger: outcomeLogger ?? Logger(label: "ivr.calls"),
                                       metricsFactory: metrics.factory)
        let callHandler: any CallHandler
        if let handler {
            callHandler = handler
        } else {
            do {
                let ip = config.media.ip ?? MediaAddress.guess()
                var mediaConfig = MediaEngine.Config(ip: ip, ports: config.media.ports)
                mediaConfig.session.connectTimeout = .seconds(config.media.connectTimeoutSeconds)
                let engine = try MediaEngine(config: mediaConfig)
                var timing = MediaCallHandler.Timing()
                timing.acceptWindow = .seconds(config.graph.acceptWindowSeconds)
                callHandler = MediaCallHandler(media: engine, graph: client, store: store, metrics: metrics,
                                               finalizer: finalizer,
                                               runtime: FlowRuntime(prompts: PromptCache(folder: config.promptsDirectory),
                                                                    http: http, speech: speech, metrics: metrics),
                                               timing: timing)
                self.mediaSummary = "\(ip) ports \(config.media.ports.lowerBound)-\(config.media.ports.upperBound)"
                    + (config.media.ip == nil ? " (guessed: set IVR_MEDIA_IP to the address WhatsApp can reach)" : "")
            } catch {
                callHandler = UnavailableCallHandler(reason: "media core unavailable: \(error)")
                self.mediaSummary = "unavailable: \(error)"
            }
        }
        self.processor = WebhookProcessor(store: store, graph: client, catalog: catalog,
                                          handler: callHandler, metrics: metrics,
                                          logger: Logger(label: "ivr.calls"),
                                          acceptWindow: .seconds(config.graph.acceptWindowSeconds),
                                          finalizer: finalizer)
    }

    /// The Hummingbird application, with the webhook processor as one of its services.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let webhooks = WebhookRoutes(secrets: config.whatsapp, maxBodyBytes: config.http.maxBodyBytes,
                                     processor: processor, metrics: metrics, logger: Logger(label: "ivr.webhook"))
        let router = IVRRouter.build(webhooks: webhooks, store: store, metrics: metrics)
        return Application(router: router,
                           configuration: .init(address: .hostname(config.http.host, port: config.http.port),
                                                serverName: "ivrd"),
                           services: [processor, outbox, FlowWatcher(catalog: catalog, logger: Logger(label: "ivr.flows")),
                                      RetentionService(job: RetentionJob(store: store, policy: config.retention),
                                                       logger: Logger(label: "ivr.retention"))],
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                           logger: Logger(label: "ivr.http"))
    }

    /// Logs the start-up summary, with one warning if secrets are missing.
    public func logStartup() {
        FlowWatcher.log(flowDiagnostics, to: logger)
        logger.info("ivrd starting", metadata: [
            "http": "\(config.http.host):\(config.http.port)", "db": "\(config.database)",
            "flows": "\(catalog.flowNames.joined(separator: ","))",
            "default_flow": "\(catalog.defaultFlowName ?? "-")", "prompts": "\(config.promptsDirectory)",
            "graph": "\(config.graphEndpoint.profile.rawValue) \(config.graphEndpoint.baseURL)",
            "media": "\(mediaSummary)",
        ])
        let missing = config.missingSecrets
        if !missing.isEmpty {
            logger.warning("""
                running without WhatsApp credentials (\(missing.joined(separator: ", ")) not set): \
                /healthz and /metrics are served, webhook requests are refused with 503 until they are configured
                """)
        }
    }

    /// Runs until SIGTERM/SIGINT, then drains in-flight work and closes the HTTP client.
    public func run() async throws {
        logStartup()
        let app = application()
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        logger.info("ivrd stopped")
    }

    /// Closes resources when the server was built but not run (tests).
    public func shutdown() async throws {
        try await http.shutdown()
    }
}
