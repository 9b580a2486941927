import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import Wire

/// A `FailureLimiter` shared by a listener's requests, keyed by the client's address: the peer, or the
/// client a trusted proxy names in `X-Forwarded-For` (`TrustedProxies`).
final class SourceLimiter: Sendable {
    private let limiter: NIOLockedValueBox<FailureLimiter>
    private let clock: any MonotonicClock
    let proxies: TrustedProxies

    init(limits: FailureLimiter.Limits, proxies: TrustedProxies, clock: any MonotonicClock) {
        self.limiter = NIOLockedValueBox(FailureLimiter(limits: limits))
        self.proxies = proxies
        self.clock = clock
    }

    /// The limiter's key for a request from `peer` with `headers`.
    func source(peer: SocketAddress?, headers: HTTPFields) -> String {
        proxies.client(peer: peer?.ipAddress, forwardedFor: Self.forwardedFor.map { headers[values: $0] } ?? [])
    }

    /// Whether `source` has a failure left.
    func allows(_ source: String) -> Bool {
        limiter.withLockedValue { $0.allows(source, now: clock.now()) }
    }

    /// Charges a failure; true when it used the source's last one.
    @discardableResult
    func charge(_ source: String) -> Bool {
        limiter.withLockedValue { $0.recordFailure(source, now: clock.now()) }
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")
}
