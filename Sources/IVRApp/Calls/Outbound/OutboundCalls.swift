import Flow
import Foundation
import Logging
import NIOConcurrencyHelpers
import Store
import WhatsApp
import Wire

/// A call we were asked to place (`POST /v1/calls`, `ivrd call`).
public struct OutboundCallRequest: Sendable, Equatable {
    /// The user's WhatsApp number (digits; a leading `+` is dropped).
    public var to: String
    public var flow: String
    public var variables: [String: String]
    /// Echoed by WhatsApp on the call's webhooks (≤512 characters).
    public var bizOpaqueCallbackData: String?
    /// The business number to call from; else the flow's first number, else `outbound.phone_number_id`.
    public var phoneNumberID: String?

    public init(to: String, flow: String, variables: [String: String] = [:], bizOpaqueCallbackData: String? = nil,
                phoneNumberID: String? = nil) {
        self.to = to
        self.flow = flow
        self.variables = variables
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.phoneNumberID = phoneNumberID
    }
}

extension OutboundCallRequest {
    /// A WhatsApp number as digits: spaces around and a leading `+` dropped, 6-20 ASCII digits.
    public static func normalized(number: String) throws(OutboundRequestError) -> String {
        var to = number.trimmingCharacters(in: .whitespaces)
        if to.hasPrefix("+") { to.removeFirst() }
        guard (6...20).contains(to.count), to.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidNumber(number)
        }
        return to
    }
}

/// Why a request to place a call was not taken.
public enum OutboundRequestError: Error, Equatable, CustomStringConvertible {
    case invalidNumber(String)
    case unknownFlow(String)
    case noPhoneNumber(flow: String)
    case opaqueTooLong(Int)
    case draining
    case store(String)

    public var description: String {
        switch self {
        case let .invalidNumber(n): return "'to' must be a phone number in international format (6-20 digits), got '\(n)'"
        case let .unknownFlow(f): return "no flow named '\(f)'"
        case let .noPhoneNumber(flow):
            return "no business number to call from: give phone_number_id, list one under numbers: in flow '\(flow)', "
                + "or set outbound.phone_number_id"
        case let .opaqueTooLong(n): return "biz_opaque_callback_data has \(n) characters, at most 512 allowed"
        case .draining: return "the server is shutting down"
        case let .store(why): return "cannot record the call: \(why)"
        }
    }
}

/// What a call we place carries into its owner.
struct OutboundCall: Sendable {
    let request: OutboundCallRequest
    let phoneNumberID: String
    let route: FlowRoute
    let service: OutboundCalls
}

/// Places calls and keeps their permissions: the `call_permissions` lookup (cached in the store,
/// never more than 5 a second), the permission request and its reply, and the unanswered count.
public final class OutboundCalls: Sendable {
    let calls: CallService
    /// The requests and permissions (either store).
    let store: any OutboundStore
    let config: IVRConfig.Outbound
    let logger: Logger
    /// Lookup times in the last second (Meta allows 5 per second).
    private let lookups = NIOLockedValueBox<[Date]>([])

    var graph: any GraphAPI { calls.context.graph }

    public init(calls: CallService, store: any OutboundStore, config: IVRConfig.Outbound, logger: Logger) {
        self.calls = calls
        self.store = store
        self.config = config
        self.logger = logger
    }

    var gate: PermissionGate {
        PermissionGate(unansweredThreshold: config.maxConsecutiveUnanswered, requestWhenMissing: config.requestPermission)
    }

    /// Records the call and starts its owner. Returns our call id and the call's first state.
    public func place(_ r: OutboundCallRequest) async throws -> (callID: String, state: String) {
        let call = try prepare(r)
        let id = "out." + UUID().uuidString.lowercased()
        let (record, row) = records(call, id: id, at: Date())
        do {
            _ = try await store.insertOutboundCall(record, row: row)
        } catch {
            throw OutboundRequestError.store("\(error)")
        }
        try await start(call, id: id)
        return (id, CallMachine.State.checkingPermission.rawValue)
    }

    /// Places a scheduled row this instance claimed: the row becomes `placed` together with the call's
    /// rows (one transaction), then the call starts. Nil (nothing placed) when the claim was lost.
    func place(scheduled call: OutboundCall, rowID: String, claimedBy instance: String,
               store dialer: any DialerStore) async throws -> String? {
        let id = "out." + UUID().uuidString.lowercased()
        let (record, row) = records(call, id: id, at: Date())
        do {
            guard try await dialer.insertScheduledOutboundCall(record, row: row, scheduledID: rowID,
                                                               claimedBy: instance) else { return nil }
        } catch {
            throw OutboundRequestError.store("\(error)")
        }
        try await start(call, id: id)
        return id
    }

    /// The request checked: the number normalized, the flow found, the business number chosen.
    func prepare(_ r: OutboundCallRequest) throws(OutboundRequestError) -> OutboundCall {
        let to = try OutboundCallRequest.normalized(number: r.to)
        if let opaque = r.bizOpaqueCallbackData, opaque.count > 512 { throw .opaqueTooLong(opaque.count) }
        guard let catalog = calls.context.catalog, let flow = catalog.flow(named: r.flow) else {
            throw .unknownFlow(r.flow)
        }
        guard let number = r.phoneNumberID ?? flow.numbers.first ?? config.phoneNumberID else {
            throw .noPhoneNumber(flow: r.flow)
        }
        guard !calls.isDraining else { throw .draining }
        var request = r
        request.to = to
        return OutboundCall(request: request, phoneNumberID: number, route: FlowRoute(flow: flow, isDefault: false),
                            service: self)
    }

    private func records(_ call: OutboundCall, id: String, at now: Date) -> (OutboundCallRecord, CallRecord) {
        let r = call.request, flow = call.route.flow.name
        let row = CallRecord(id: id, phoneNumberID: call.phoneNumberID, caller: r.to,
                             direction: CallMachine.Direction.outbound.rawValue, flow: flow, status: .received,
                             receivedAt: now)
        let vars = (try? JSONEncoder().encode(r.variables)).map { String(decoding: $0, as: UTF8.self) }
        let record = OutboundCallRecord(id: id, phoneNumberID: call.phoneNumberID, recipient: r.to, flow: flow,
                                        variablesJSON: vars, bizOpaqueCallbackData: r.bizOpaqueCallbackData, createdAt: now)
        return (record, row)
    }

    private func start(_ call: OutboundCall, id: String) async throws {
        var log = logger
        log[metadataKey: "call_id"] = "\(id)"
        log[metadataKey: "phone_number_id"] = "\(call.phoneNumberID)"
        log[metadataKey: "callee"] = "\(Redact.phone(call.request.to))"
        log[metadataKey: "flow"] = "\(call.route.flow.name)"
        guard calls.startOutbound(call, callID: id, logger: log) else {
            await calls.context.finalizer.finalize(callID: id, phoneNumberID: call.phoneNumberID,
                                                   reason: .outbound(.notPlaced("the server is shutting down")))
            throw OutboundRequestError.draining
        }
        log.info("placing a call")
    }

    // MARK: - Permission

    /// The verdict for calling `user` now: the cached answer while fresh, else Meta's (rate-limited).
    func check(phoneNumberID: String, user: String) async -> PermissionDecision {
        let now = Date()
        let row = try? await store.permission(phoneNumberID: phoneNumberID, user: user)
        let history = UserCallHistory(consecutiveUnanswered: row?.consecutiveUnanswered ?? 0)
        if let row, let until = row.cacheUntil, until > now, let json = row.permissionJSON,
           let cached = try? CallPermission.decode(Array(json.utf8)) {
            return gate.decide(cached, history: history, now: now)
        }
        do {
            await waitForLookupSlot()
            let permission = try await graph.callPermissions(user: user, phoneNumberID: phoneNumberID)
            var until = now.addingTimeInterval(TimeInterval(config.permissionCacheSeconds))
            if let expiry = permission.expiresAt { until = min(until, expiry) }
            try? await store.savePermission(phoneNumberID: phoneNumberID, user: user, status: permission.status.description,
                                            expiresAt: permission.expiresAt, permissionJSON: permission.json,
                                            checkedAt: now, cacheUntil: until)
            return gate.decide(permission, history: history, now: now)
        } catch {
            // Meta could not be asked: our own record of a grant still counts; otherwise ask the user.
            logger.warning("call_permissions lookup failed", metadata: ["error": "\(error)"])
            let status = CallPermission.Status(row?.status ?? "no_permission")
            return gate.decide(CallPermission(status: status, expiresAt: row?.expiresAt), history: history, now: now)
        }
    }

    /// Sends the permission request message.
    func requestPermission(phoneNumberID: String, user: String) async throws {
        _ = try await graph.send(.callPermissionRequest(to: user, body: config.permissionRequestText),
                                 phoneNumberID: phoneNumberID, deadline: nil)
        try? await store.recordPermissionRequest(phoneNumberID: phoneNumberID, user: user, at: Date())
    }

    /// The user's reply: stored, and every call of ours waiting on this user hears it.
    public func permissionReply(_ reply: CallPermissionReply) async {
        let expires = WireTime.date(unixSeconds: reply.expiresAt)
        do {
            try await store.applyPermissionReply(phoneNumberID: reply.business.phoneNumberID, user: reply.from,
                                                 granted: reply.accepted, permanent: reply.permanent, expiresAt: expires,
                                                 at: Date())
        } catch {
            logger.error("cannot record a permission reply", metadata: ["error": "\(error)"])
        }
        var scheduled = 0
        if let rows = store as? any DialerStore {
            do {
                scheduled = try await rows.resolveAwaitingPermission(phoneNumberID: reply.business.phoneNumberID,
                                                                     user: reply.from, granted: reply.accepted, at: Date())
            } catch {
                logger.error("cannot apply a permission reply to scheduled calls", metadata: ["error": "\(error)"])
            }
        }
        let waiting = calls.registry.outboundCalls(phoneNumberID: reply.business.phoneNumberID, user: reply.from)
        for id in waiting { calls.registry.send(.permissionReply(granted: reply.accepted), to: id) }
        logger.info("call permission reply", metadata: [
            "user": "\(Redact.phone(reply.from))", "accepted": "\(reply.accepted)", "calls_waiting": "\(waiting.count)",
            "scheduled_calls": "\(scheduled)",
        ])
    }

    func recordAttempt(phoneNumberID: String, user: String, answered: Bool) async {
        do {
            let count = try await store.recordOutboundAttempt(phoneNumberID: phoneNumberID, user: user, answered: answered,
                                                                 at: Date())
            if !answered { logger.notice("unanswered business-initiated call", metadata: ["in_a_row": "\(count)"]) }
        } catch {
            logger.error("cannot record a call attempt", metadata: ["error": "\(error)"])
        }
    }

    /// WhatsApp took `connect`: its id is stored and names the call in the registry.
    func dialed(callID: String, waCallID: String) async {
        do {
            try await store.setWhatsAppCallID(waCallID, forCall: callID)
        } catch {
            logger.error("cannot record WhatsApp's call id", metadata: ["error": "\(error)"])
        }
        calls.registry.alias(waCallID, to: callID)
    }

    /// At most 5 lookups in any second.
    private func waitForLookupSlot() async {
        while true {
            let wait: TimeInterval = lookups.withLockedValue { times in
                let now = Date()
                times.removeAll { now.timeIntervalSince($0) >= 1 }
                guard times.count >= 5, let first = times.first else {
                    times.append(now)
                    return 0
                }
                return 1 - now.timeIntervalSince(first)
            }
            guard wait > 0 else { return }
            try? await Task.sleep(for: .milliseconds(Int64(max(1, min(wait, 1)) * 1000)))
        }
    }
}

extension CallPermission {
    /// The answer as stored in `permissions.permission_json` (the shape Meta sends, so `decode` reads it back).
    var json: String {
        var actions: [[String: Any]] = []
        for a in self.actions {
            actions.append(["action_name": a.name, "can_perform_action": a.canPerform, "limits": a.limits.map { l -> [String: Any] in
                var d: [String: Any] = ["time_period": l.timePeriod, "max_allowed": l.maxAllowed, "current_usage": l.currentUsage]
                if let e = l.expiresAt { d["limit_expiration_time"] = Int(e.timeIntervalSince1970) }
                return d
            }])
        }
        var permission: [String: Any] = ["status": status.description]
        if let e = expiresAt { permission["expiration_time"] = Int(e.timeIntervalSince1970) }
        let data = (try? JSONSerialization.data(withJSONObject: ["permission": permission, "actions": actions],
                                                options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
