import Foundation
import WhatsApp

/// Why WhatsApp refused to place a call or to send its permission request, from the Graph error
/// code (whatsapp-calling.md §6): each becomes a precise `end_reason` in the call row.
public enum OutboundFailure: Sendable, Equatable, CustomStringConvertible {
    /// 138005: the business-initiated call rate limit (after the client's backoff gave up).
    case rateLimited
    /// 138006: no approved call permission.
    case noPermission
    /// 138009: the permission-request limit.
    case permissionRequestLimit
    /// 138012: the daily business-initiated limit; `details` carries the next allowed time.
    case dailyLimit(details: String?)
    /// 138013: business-initiated calling is unavailable in the user's country.
    case countryUnavailable
    /// 138003: a call with this user is ongoing.
    case callOngoing
    /// 138001: the receiver cannot be called.
    case receiverUncallable
    /// 138000: calling is not enabled on the number.
    case callingDisabled
    /// 138017: a permanent permission already exists (a request is then unnecessary).
    case permanentPermissionExists
    /// Any other failure: the Graph error's code (if any) and text.
    case graph(code: Int?, String)

    public init(_ error: any Error) {
        guard let g = error as? GraphError else {
            self = .graph(code: nil, "\(error)")
            return
        }
        switch g.code {
        case 138005: self = .rateLimited
        case 138006: self = .noPermission
        case 138009: self = .permissionRequestLimit
        case 138012: self = .dailyLimit(details: g.details)
        case 138013: self = .countryUnavailable
        case 138003: self = .callOngoing
        case 138001: self = .receiverUncallable
        case 138000: self = .callingDisabled
        case 138017: self = .permanentPermissionExists
        default: self = .graph(code: g.code, g.description)
        }
    }

    /// The `end_reason` code.
    public var code: String {
        switch self {
        case .rateLimited: return "rate_limited"
        case .noPermission: return "no_permission"
        case .permissionRequestLimit: return "permission_request_limit"
        case .dailyLimit: return "daily_limit"
        case .countryUnavailable: return "country_unavailable"
        case .callOngoing: return "call_ongoing"
        case .receiverUncallable: return "receiver_uncallable"
        case .callingDisabled: return "calling_disabled"
        case .permanentPermissionExists: return "permanent_permission_exists"
        case .graph: return "graph_error"
        }
    }

    /// The Graph error code, for the row's `error_codes`.
    public var graphCode: Int? {
        switch self {
        case .rateLimited: return 138005
        case .noPermission: return 138006
        case .permissionRequestLimit: return 138009
        case .dailyLimit: return 138012
        case .countryUnavailable: return 138013
        case .callOngoing: return 138003
        case .receiverUncallable: return 138001
        case .callingDisabled: return 138000
        case .permanentPermissionExists: return 138017
        case let .graph(code, _): return code
        }
    }

    public var description: String {
        switch self {
        case .rateLimited: return "138005 call rate limit reached (backoff exhausted)"
        case .noPermission: return "138006 no approved call permission"
        case .permissionRequestLimit: return "138009 permission-request limit reached"
        case let .dailyLimit(details): return "138012 daily business-initiated call limit" + (details.map { ": \($0)" } ?? "")
        case .countryUnavailable: return "138013 business-initiated calling unavailable in the user's country"
        case .callOngoing: return "138003 a call with this user is already ongoing"
        case .receiverUncallable: return "138001 the receiver cannot be called"
        case .callingDisabled: return "138000 calling is not enabled on this number"
        case .permanentPermissionExists: return "138017 a permanent permission already exists"
        case let .graph(_, text): return text
        }
    }
}

extension GraphError {
    /// `error_data.details`, when the API sent them.
    public var details: String? {
        switch self {
        case let .api(_, _, d): return d.details
        case let .gaveUp(_, _, last): return last.details
        default: return nil
        }
    }
}
