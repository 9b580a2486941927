import Metrics
import NIOConcurrencyHelpers
import Prometheus
import Store

/// The server's metrics, kept in its own Prometheus registry and exported as text on `/metrics`.
public struct IVRMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: any MetricsFactory

    /// Totals kept outside the registry (dropped log lines, the store's writes), by metric label: how
    /// much of each the registry has counted already.
    private let counted = NIOLockedValueBox([String: Int]())
    /// The SQLite store whose group-commit figures are exported (none on PostgreSQL).
    private let sqliteStore = NIOLockedValueBox<Store?>(nil)

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
        Counter(label: "ivr_log_write_failures_total", factory: factory).increment(by: 0)
        Counter(label: "ivr_webhooks_rate_limited_total", factory: factory).increment(by: 0)
        Counter(label: "ivr_admin_auth_rate_limited_total", factory: factory).increment(by: 0)
        Counter(label: "ivr_spoken_prompt_cache_hits_total", factory: factory).increment(by: 0)
        Counter(label: "ivr_spoken_prompt_cache_misses_total", factory: factory).increment(by: 0)
    }

    /// Exports the store's writes and the transactions that carried them (`ivr_store_writes_total`,
    /// `ivr_store_transactions_total`: their ratio is the mean group-commit batch).
    public func watchStore(_ store: any CallStore) {
        guard let sqlite = store as? Store else { return }
        sqliteStore.withLockedValue { $0 = sqlite }
        Counter(label: "ivr_store_writes_total", factory: factory).increment(by: 0)
        Counter(label: "ivr_store_transactions_total", factory: factory).increment(by: 0)
    }

    /// A `say:` text looked up in the spoken-prompt cache: a hit plays at once, a miss is rendered first.
    public func spokenPromptLookup(hit: Bool) {
        Counter(label: hit ? "ivr_spoken_prompt_cache_hits_total" : "ivr_spoken_prompt_cache_misses_total", factory: factory).increment()
    }

    /// A connection closed because its request head or body did not arrive in time (`kind`: header, body).
    public func httpTimeout(kind: String) {
        Counter(label: "ivr_http_timeouts_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A request from a source that used up its allowance of failed (401/400) webhook requests: answered 429.
    public func webhookRateLimited() {
        Counter(label: "ivr_webhooks_rate_limited_total", factory: factory).increment()
    }

    /// An admin token attempt refused with 429 (its source spent its allowance of wrong tokens).
    public func adminAuthRateLimited() {
        Counter(label: "ivr_admin_auth_rate_limited_total", factory: factory).increment()
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

    /// A menu wanted speech recognition but the pool was full: it took keys only.
    public func speechSaturated() {
        Counter(label: "ivr_speech_saturated_total", factory: factory).increment()
    }

    public func input(kind: String) {
        Counter(label: "ivr_caller_inputs_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A call we refused before answering it, by reason (`max_calls`, `media_ports`, `draining`, …).
    public func callRefused(reason: String) {
        Counter(label: "ivr_calls_refused_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// Calls alive in this process now (set-up, running or ending).
    public func callsActive(_ count: Int) {
        Gauge(label: "ivr_calls_active", factory: factory).record(count)
    }

    /// Media sessions holding a UDP port now.
    public func mediaPortsInUse(_ count: Int) {
        Gauge(label: "ivr_media_ports_in_use", factory: factory).record(count)
    }

    /// Webhook events accepted and waiting to be processed.
    public func webhookQueueDepth(_ count: Int) {
        Gauge(label: "ivr_webhook_queue_depth", factory: factory).record(count)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        // These totals are kept without any registry: bring their counters up to date.
        catchUp("ivr_log_write_failures_total", to: LogWriter.failures)
        if let stats = sqliteStore.withLockedValue({ $0 })?.groupCommitStats {
            catchUp("ivr_store_writes_total", to: stats.writes)
            catchUp("ivr_store_transactions_total", to: stats.transactions)
        }
        return registry.emitToString()
    }

    private func catchUp(_ label: String, to total: Int) {
        let delta = counted.withLockedValue { counted -> Int in
            let before = counted[label, default: 0]
            counted[label] = max(before, total)
            return max(0, total - before)
        }
        if delta > 0 { Counter(label: label, factory: factory).increment(by: delta) }
    }
}
