import Metrics
import Prometheus

/// The server's metrics, kept in its own Prometheus registry and exported as text on `/metrics`.
public struct IVRMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: any MetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    public func webhookReceived(kind: String) {
        Counter(label: "ivr_webhooks_received_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    public func webhookRejected(reason: String) {
        Counter(label: "ivr_webhooks_rejected_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    public func webhookDuplicate(kind: String) {
        Counter(label: "ivr_webhook_duplicates_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    public func call(outcome: String) {
        Counter(label: "ivr_calls_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// A menu wanted speech recognition but the pool was full: it took keys only.
    public func speechSaturated() {
        Counter(label: "ivr_speech_saturated_total", factory: factory).increment()
    }

    public func input(kind: String) {
        Counter(label: "ivr_caller_inputs_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
