import Yams

extension IVRConfig {
    /// Calls we place (`outbound:`): where they come from and the rules that keep the permission.
    public struct Outbound: Sendable, Equatable {
        /// The business number calls are placed from when the request and the flow name none
        /// (`outbound.phone_number_id`, `IVR_OUTBOUND_PHONE_NUMBER_ID`).
        public var phoneNumberID: String?
        /// How long the phone may ring before we give up (`outbound.ring_timeout`, `IVR_OUTBOUND_RING_TIMEOUT`).
        public var ringTimeoutSeconds = 45
        /// Unanswered calls in a row at which we stop calling a user (`outbound.max_consecutive_unanswered`):
        /// 2 keeps WhatsApp's automatic revocation after 4 out of reach.
        public var maxConsecutiveUnanswered = 2
        /// Send a permission request when there is none (`outbound.request_permission`).
        public var requestPermission = true
        /// The text of the permission request (`outbound.permission_request_text`).
        public var permissionRequestText = "May we call you on WhatsApp about your request?"
        /// How long to wait for the reply (`outbound.permission_wait`).
        public var permissionWaitSeconds = 86_400
        /// How long a `call_permissions` answer is reused (`outbound.permission_cache`); never past its expiry.
        public var permissionCacheSeconds = 60
        /// The dialer of scheduled calls and campaigns (`outbound.dialer:`).
        public var dialer = Dialer()

        public init() {}
    }
}

extension ConfigLoader {
    static let outboundKeys = ["phone_number_id", "ring_timeout", "max_consecutive_unanswered", "request_permission",
                               "permission_request_text", "permission_wait", "permission_cache", "dialer"]

    static func applyOutbound(_ o: [String: Node], reader r: YAMLReader, to out: inout IVRConfig.Outbound) throws {
        if let v = try r.string(o["phone_number_id"], "outbound.phone_number_id"), !v.isEmpty { out.phoneNumberID = v }
        if let v = try r.int(o["ring_timeout"], "outbound.ring_timeout", 5...300) { out.ringTimeoutSeconds = v }
        if let v = try r.int(o["max_consecutive_unanswered"], "outbound.max_consecutive_unanswered", 1...3) {
            out.maxConsecutiveUnanswered = v
        }
        if let v = try r.string(o["request_permission"], "outbound.request_permission") {
            guard let b = Bool(v) else { throw r.error(o["request_permission"], "outbound.request_permission: expected true or false") }
            out.requestPermission = b
        }
        if let v = try r.string(o["permission_request_text"], "outbound.permission_request_text"), !v.isEmpty {
            out.permissionRequestText = v
        }
        if let v = try r.int(o["permission_wait"], "outbound.permission_wait", 60...7 * 86_400) { out.permissionWaitSeconds = v }
        if let v = try r.int(o["permission_cache"], "outbound.permission_cache", 0...3600) { out.permissionCacheSeconds = v }
        if let d = try o["dialer"].map({ try r.mapping($0, path: "outbound.dialer", keys: dialerKeys) }) {
            try applyDialer(d, reader: r, to: &out.dialer)
        }
    }

    static func applyOutbound(environment env: [String: String], to out: inout IVRConfig.Outbound) throws {
        if let v = env["IVR_OUTBOUND_PHONE_NUMBER_ID"], !v.isEmpty { out.phoneNumberID = v }
        if let v = env["IVR_OUTBOUND_RING_TIMEOUT"], !v.isEmpty {
            guard let s = Int(v), (5...300).contains(s) else {
                throw ConfigError(source: "IVR_OUTBOUND_RING_TIMEOUT", message: "expected whole seconds 5–300, got '\(v)'")
            }
            out.ringTimeoutSeconds = s
        }
        try applyDialer(environment: env, to: &out.dialer)
    }
}
