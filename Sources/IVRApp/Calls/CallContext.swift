import AsyncHTTPClient
import Audio
import Flow
import Logging
import NIOConcurrencyHelpers
import Media
import Store
import WhatsApp
import Wire

/// The shared pieces flows run with: the prompt cache, the HTTP client for `http` steps, voice menus.
public struct FlowRuntime: Sendable {
    public let prompts: PromptCache
    let http: FlowHTTP
    /// Voice menus; nil when no speech model is installed (menus then take keys only).
    public let speech: SpeechRuntime?
    let metrics: IVRMetrics?
    /// `say:` prompts rendered by text-to-speech and encoded once per text, voice and language.
    public let spoken: SpokenPromptCache?
    /// Where `record` steps write (`retention.recordings_dir`).
    public let recordingsDirectory: String

    /// `httpAllow`: hosts every flow's `http` steps may call (`flows.http_allow`), beside the flow's own list.
    public init(prompts: PromptCache, http: HTTPClient, speech: SpeechRuntime? = nil, metrics: IVRMetrics? = nil,
                httpAllow: [String] = [], spoken: SpokenPromptCache? = nil,
                recordingsDirectory: String = FlowEngine.defaultRecordingsDirectory) {
        self.spoken = spoken
        self.recordingsDirectory = recordingsDirectory
        self.prompts = prompts
        self.http = FlowHTTP(client: http, policy: CallOutPolicy(globalAllow: httpAllow))
        self.speech = speech
        self.metrics = metrics
    }
}

/// What every call's owner shares: where media comes from, the Graph API, the finalizer and the
/// store, the flow runtime, the clock it waits on, and its timings.
public struct CallContext: Sendable {
    public var media: any CallMediaFactory
    public var graph: any GraphAPI
    public var store: any CallStore
    public var finalizer: CallFinalizer
    /// Without it, accepted calls only keep media flowing (tests of the signalling path).
    public var runtime: FlowRuntime?
    public var catalog: FlowCatalog?
    public var metrics: IVRMetrics
    public var clock: any SleepingClock
    public var timing: CallMachine.Timing
    /// Where `schedule_call` steps record their calls; nil when the store keeps none (PostgreSQL for now):
    /// the step then takes its `on_error`.
    public var scheduledCalls: (any ScheduledCallStore)?
    /// Media sessions holding a port, for the `ivr_media_ports_in_use` gauge.
    let ports: PortGauge

    public init(media: any CallMediaFactory, graph: any GraphAPI, store: any CallStore, finalizer: CallFinalizer,
                runtime: FlowRuntime?, catalog: FlowCatalog? = nil, metrics: IVRMetrics,
                clock: any SleepingClock = SystemMonotonicClock(), timing: CallMachine.Timing = .init(),
                scheduledCalls: (any ScheduledCallStore)? = nil) {
        self.scheduledCalls = scheduledCalls
        self.media = media
        self.graph = graph
        self.store = store
        self.finalizer = finalizer
        self.runtime = runtime
        self.catalog = catalog
        self.metrics = metrics
        self.clock = clock
        self.timing = timing
        self.ports = PortGauge(metrics: metrics)
    }

    /// A Graph deadline on the process clock for an instant on the call's clock.
    func graphDeadline(_ instant: Instant?) -> ContinuousClock.Instant? {
        instant.map { ContinuousClock.now + ($0 - clock.now()) }
    }
}

/// Media for builds or tests that cannot answer: every offer is refused with this reason.
public struct UnavailableMedia: CallMediaFactory {
    public let reason: String

    public init(reason: String = "no media handler is installed in this build; the call cannot be answered") {
        self.reason = reason
    }

    public func answer(offer: String, callID: String, logger: Logger) async throws -> any CallMediaChannel {
        throw UnavailableMediaError(reason: reason)
    }
}

struct UnavailableMediaError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// Counts the media sessions holding a UDP port and keeps the gauge in step.
final class PortGauge: Sendable {
    private let count = NIOLockedValueBox(0)
    let metrics: IVRMetrics

    init(metrics: IVRMetrics) {
        self.metrics = metrics
    }

    func taken() { metrics.mediaPortsInUse(count.withLockedValue { $0 += 1; return $0 }) }
    func released() { metrics.mediaPortsInUse(count.withLockedValue { $0 = max(0, $0 - 1); return $0 }) }
}
