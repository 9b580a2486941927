import Foundation

/// `GET /{phone-number-id}/call_permissions?user_wa_id=…`: whether the business may call the user,
/// until when, and what each action (`start_call`, `send_call_permission_request`) is allowed now,
/// with the limits Meta applies at the time (they differ between versions: read, never assumed).
public struct CallPermission: Sendable, Equatable {
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        case noPermission, temporary, permanent
        case other(String)

        public init(_ raw: String) {
            switch raw.lowercased() {
            case "no_permission": self = .noPermission
            case "temporary": self = .temporary
            case "permanent": self = .permanent
            default: self = .other(raw)
            }
        }

        public var description: String {
            switch self {
            case .noPermission: return "no_permission"
            case .temporary: return "temporary"
            case .permanent: return "permanent"
            case let .other(s): return s
            }
        }
    }

    /// One limit of an action: `max_allowed` uses per `time_period` (ISO 8601, e.g. `PT24H`).
    public struct Limit: Sendable, Equatable {
        public var timePeriod: String
        public var maxAllowed: Int
        public var currentUsage: Int
        /// When the limit resets; sent once the usage reached the maximum.
        public var expiresAt: Date?

        public init(timePeriod: String, maxAllowed: Int, currentUsage: Int, expiresAt: Date? = nil) {
            self.timePeriod = timePeriod
            self.maxAllowed = maxAllowed
            self.currentUsage = currentUsage
            self.expiresAt = expiresAt
        }

        public var isExhausted: Bool { currentUsage >= maxAllowed }
    }

    public struct Action: Sendable, Equatable {
        public var name: String
        public var canPerform: Bool
        public var limits: [Limit]

        public init(name: String, canPerform: Bool, limits: [Limit] = []) {
            self.name = name
            self.canPerform = canPerform
            self.limits = limits
        }
    }

    public static let startCall = "start_call"
    public static let sendRequest = "send_call_permission_request"

    public var status: Status
    public var expiresAt: Date?
    public var actions: [Action]

    public init(status: Status, expiresAt: Date? = nil, actions: [Action] = []) {
        self.status = status
        self.expiresAt = expiresAt
        self.actions = actions
    }

    public func action(_ name: String) -> Action? { actions.first { $0.name == name } }

    /// Decodes the response body; unknown fields are ignored, absurd times are dropped.
    public static func decode(_ body: [UInt8]) throws -> CallPermission {
        let payload = try JSONDecoder().decode(Payload.self, from: Data(body))
        guard let permission = payload.permission, let status = permission.status else {
            throw GraphError.invalidResponse(action: "call_permissions", reason: "no permission.status in the response")
        }
        return CallPermission(
            status: Status(status), expiresAt: WireTime.date(unixSeconds: permission.expiration_time?.value),
            actions: (payload.actions ?? []).compactMap { a in
                guard let name = a.action_name else { return nil }
                return Action(name: name, canPerform: a.can_perform_action ?? false, limits: (a.limits ?? []).compactMap { l in
                    guard let period = l.time_period, let max = l.max_allowed?.value else { return nil }
                    return Limit(timePeriod: period, maxAllowed: max, currentUsage: l.current_usage?.value ?? 0,
                                 expiresAt: WireTime.date(unixSeconds: l.limit_expiration_time?.value))
                })
            })
    }

    struct Payload: Decodable {
        struct Permission: Decodable {
            let status: String?
            let expiration_time: LenientString?
        }
        struct ActionPayload: Decodable {
            let action_name: String?
            let can_perform_action: Bool?
            let limits: [LimitPayload]?
        }
        struct LimitPayload: Decodable {
            let time_period: String?
            let max_allowed: LenientInt?
            let current_usage: LenientInt?
            let limit_expiration_time: LenientString?
        }
        let permission: Permission?
        let actions: [ActionPayload]?
    }
}
