import Foundation
import WhatsApp

/// What the store knows of one user for one business number (the `permissions` table).
public struct UserCallHistory: Sendable, Equatable {
    /// Business-initiated calls in a row that were not answered (no answer, declined).
    public var consecutiveUnanswered: Int

    public init(consecutiveUnanswered: Int = 0) {
        self.consecutiveUnanswered = consecutiveUnanswered
    }
}

/// Why we do not place a call, naming the rule or the limit.
public enum OutboundRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The user did not answer `count` calls in a row; at `threshold` we stop, so WhatsApp's automatic
    /// revocation after 4 unanswered calls is never reached (`outbound.max_consecutive_unanswered`).
    case unansweredGuard(count: Int, threshold: Int)
    /// Meta says the action cannot be performed now; the first exhausted limit, if it named one.
    case limitReached(action: String, limit: CallPermission.Limit?)
    /// No permission, and asking for it is switched off for this call.
    case noPermission(status: String)

    public var code: String {
        switch self {
        case .unansweredGuard: return "unanswered_guard"
        case let .limitReached(action, _): return action == CallPermission.startCall ? "call_limit" : "permission_request_limit"
        case .noPermission: return "no_permission"
        }
    }

    public var description: String {
        switch self {
        case let .unansweredGuard(count, threshold):
            return "\(count) calls in a row unanswered (guard at \(threshold), before WhatsApp revokes the permission at 4)"
        case let .limitReached(action, limit?):
            let resets = limit.expiresAt.map { "; resets \(ISO8601DateFormatter().string(from: $0))" } ?? ""
            return "\(action) limit reached: \(limit.currentUsage) of \(limit.maxAllowed) per \(limit.timePeriod)\(resets)"
        case let .limitReached(action, nil):
            return "\(action) not allowed now (can_perform_action is false)"
        case let .noPermission(status):
            return "no call permission (status \(status)) and permission requests are off"
        }
    }
}

/// The verdict on placing a call now.
public enum PermissionDecision: Sendable, Equatable {
    case call
    case requestPermission
    case refuse(OutboundRefusal)
}

/// Judges a call we want to place, sans-IO: Meta's answer to `call_permissions` (status, expiry,
/// `actions[].limits` read as they come), the store's unanswered count, and the time.
public struct PermissionGate: Sendable, Equatable {
    /// Stop at this many unanswered calls in a row (`outbound.max_consecutive_unanswered`, 2 by default).
    public var unansweredThreshold: Int
    /// Whether to send a permission request when there is none.
    public var requestWhenMissing: Bool

    public init(unansweredThreshold: Int = 2, requestWhenMissing: Bool = true) {
        self.unansweredThreshold = max(1, unansweredThreshold)
        self.requestWhenMissing = requestWhenMissing
    }

    public func decide(_ permission: CallPermission, history: UserCallHistory, now: Date) -> PermissionDecision {
        if history.consecutiveUnanswered >= unansweredThreshold {
            return .refuse(.unansweredGuard(count: history.consecutiveUnanswered, threshold: unansweredThreshold))
        }
        if Self.isGranted(permission, now: now) {
            if let refusal = Self.blocked(permission.action(CallPermission.startCall), now: now) { return .refuse(refusal) }
            return .call
        }
        guard requestWhenMissing else { return .refuse(.noPermission(status: permission.status.description)) }
        if let refusal = Self.blocked(permission.action(CallPermission.sendRequest), now: now) { return .refuse(refusal) }
        return .requestPermission
    }

    /// Temporary (until its expiry) or permanent.
    public static func isGranted(_ p: CallPermission, now: Date) -> Bool {
        switch p.status {
        case .permanent: return true
        case .temporary: return p.expiresAt.map { $0 > now } ?? true
        case .noPermission, .other: return false
        }
    }

    /// An action Meta forbids now, or one of whose limits is used up (and not yet reset).
    static func blocked(_ action: CallPermission.Action?, now: Date) -> OutboundRefusal? {
        guard let action else { return nil }
        let exhausted = action.limits.first { $0.isExhausted && ($0.expiresAt.map { $0 > now } ?? true) }
        if !action.canPerform || exhausted != nil {
            return .limitReached(action: action.name, limit: exhausted ?? action.limits.first(where: \.isExhausted))
        }
        return nil
    }
}
