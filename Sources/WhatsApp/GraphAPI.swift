/// The Graph API operations the server uses. `GraphClient` implements it over HTTP;
/// every failure is thrown as a `GraphError`.
public protocol GraphAPI: Sendable {
    /// Posts a call action. Retries retryable failures until `deadline` (e.g. the accept window).
    func perform(_ action: CallAction, phoneNumberID: String, deadline: ContinuousClock.Instant?) async throws

    /// Sends a message and returns its `wamid`.
    func send(_ message: OutboundMessage, phoneNumberID: String, deadline: ContinuousClock.Instant?) async throws
        -> String

    /// Places a business-initiated call: `connect` with our SDP offer. Returns WhatsApp's call id (`wacid…`).
    func connect(to user: String, sdp: String, bizOpaqueCallbackData: String?, phoneNumberID: String,
                 deadline: ContinuousClock.Instant?) async throws -> String

    /// `GET call_permissions` for one user: the permission and each action's limits.
    func callPermissions(user: String, phoneNumberID: String) async throws -> CallPermission
}

extension GraphAPI {
    public func preAccept(callID: String, sdp: String, phoneNumberID: String,
                          deadline: ContinuousClock.Instant? = nil) async throws {
        try await perform(.preAccept(callID: callID, sdp: sdp), phoneNumberID: phoneNumberID, deadline: deadline)
    }

    public func accept(callID: String, sdp: String, phoneNumberID: String, bizOpaqueCallbackData: String? = nil,
                       deadline: ContinuousClock.Instant? = nil) async throws {
        try await perform(.accept(callID: callID, sdp: sdp, bizOpaqueCallbackData: bizOpaqueCallbackData),
                          phoneNumberID: phoneNumberID, deadline: deadline)
    }

    public func reject(callID: String, phoneNumberID: String, deadline: ContinuousClock.Instant? = nil) async throws {
        try await perform(.reject(callID: callID), phoneNumberID: phoneNumberID, deadline: deadline)
    }

    public func terminate(callID: String, phoneNumberID: String, deadline: ContinuousClock.Instant? = nil) async throws {
        try await perform(.terminate(callID: callID), phoneNumberID: phoneNumberID, deadline: deadline)
    }
}
