import Foundation
import Logging
import Store

/// The campaigns of one dialer look, each read once: the pace, window and retries of a row.
struct CampaignCache {
    /// What a row is placed under.
    struct Rules: Sendable {
        /// Nil for a row of no campaign (paced by the dialer's own rate, no window).
        var pacing: Dialer.Pacing?
        var retry: RedialPolicy
        var phoneNumberID: String?
    }

    let store: any DialerStore
    private var read: [String: CampaignRecord?] = [:]

    init(store: any DialerStore) {
        self.store = store
    }

    mutating func rules(for row: ScheduledCallRecord, _ config: IVRConfig.Dialer) async throws -> Rules {
        guard let id = row.campaignID else { return Rules(pacing: nil, retry: config.retry) }
        if read[id] == nil { read[id] = .some(try await store.campaign(id: id)) }
        guard let campaign = read[id] ?? nil else { return Rules(pacing: nil, retry: config.retry) }
        return campaign.rules(backoff: config.retry.rateLimitBackoff, fallback: config.rate)
    }
}

extension CampaignRecord {
    /// Its pace, window and retries (stored values were checked when the campaign was made; a value
    /// that no longer reads falls back to the dialer's rate and no window).
    func rules(backoff: Int, fallback: DialRate) -> CampaignCache.Rules {
        let rate = (try? DialRate(parsing: rate)) ?? fallback
        let window = self.window.flatMap { try? CallingWindow(parsing: $0, timeZone: timeZone) }
        return CampaignCache.Rules(pacing: Dialer.Pacing(rate: rate, window: window),
                                   retry: RedialPolicy(maxAttempts: maxAttempts, retryAfter: retryAfter,
                                                       rateLimitBackoff: backoff),
                                   phoneNumberID: phoneNumberID)
    }
}

extension OutboundRequestError {
    /// The code for a scheduled row's `last_result`.
    var code: String {
        switch self {
        case .invalidNumber: return "invalid_number"
        case .unknownFlow: return "unknown_flow"
        case .noPhoneNumber: return "no_phone_number"
        case .opaqueTooLong: return "opaque_too_long"
        case .draining: return "draining"
        case .store: return "store_error"
        }
    }
}
