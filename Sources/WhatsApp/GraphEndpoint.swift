import Foundation

/// Where and how to reach the Graph API (or a BSP relaying it): base URL, auth header and path templates.
/// Templates may use `{version}` and `{phone_number_id}`.
public struct GraphEndpoint: Sendable, Equatable {
    public enum Profile: String, Sendable, Codable {
        /// Meta's Cloud API: Bearer token, `/{version}/{phone_number_id}/calls`.
        case meta
        /// A business solution provider: its own base URL, auth header and paths.
        case bsp
    }

    public var profile: Profile
    public var baseURL: String
    public var apiVersion: String
    public var authHeaderName: String
    public var authHeaderValue: String
    public var callsPath: String
    public var messagesPath: String

    public init(profile: Profile, baseURL: String, apiVersion: String, authHeaderName: String,
                authHeaderValue: String, callsPath: String, messagesPath: String) {
        self.profile = profile
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.authHeaderName = authHeaderName
        self.authHeaderValue = authHeaderValue
        self.callsPath = callsPath
        self.messagesPath = messagesPath
    }

    public static let defaultMetaBaseURL = "https://graph.facebook.com"
    public static let defaultAPIVersion = "v23.0"

    public static func meta(baseURL: String = defaultMetaBaseURL, apiVersion: String = defaultAPIVersion,
                            accessToken: String) -> GraphEndpoint {
        GraphEndpoint(profile: .meta, baseURL: baseURL, apiVersion: apiVersion, authHeaderName: "Authorization",
                      authHeaderValue: "Bearer \(accessToken)", callsPath: "/{version}/{phone_number_id}/calls",
                      messagesPath: "/{version}/{phone_number_id}/messages")
    }

    /// A BSP profile; the defaults follow 360dialog's relay (`D360-API-KEY`, `/calling/calls`, `/messages`).
    public static func bsp(baseURL: String, authHeaderName: String = "D360-API-KEY", apiKey: String,
                           callsPath: String = "/calling/calls", messagesPath: String = "/messages") -> GraphEndpoint {
        GraphEndpoint(profile: .bsp, baseURL: baseURL, apiVersion: "", authHeaderName: authHeaderName,
                      authHeaderValue: apiKey, callsPath: callsPath, messagesPath: messagesPath)
    }

    public func callsURL(phoneNumberID: String) -> String { url(callsPath, phoneNumberID) }
    public func messagesURL(phoneNumberID: String) -> String { url(messagesPath, phoneNumberID) }

    /// `GET call_permissions` for one user: Meta's `/{version}/{phone_number_id}/call_permissions?user_wa_id=…`,
    /// a BSP's `/calling/permissions/{wa_id}`.
    public func callPermissionsURL(phoneNumberID: String, user: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let id = user.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        switch profile {
        case .meta: return url("/{version}/{phone_number_id}/call_permissions", phoneNumberID) + "?user_wa_id=\(id)"
        case .bsp: return url("/calling/permissions/", phoneNumberID) + id
        }
    }

    private func url(_ template: String, _ phoneNumberID: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        let id = phoneNumberID.addingPercentEncoding(withAllowedCharacters: allowed) ?? phoneNumberID
        let path = template
            .replacingOccurrences(of: "{version}", with: apiVersion)
            .replacingOccurrences(of: "{phone_number_id}", with: id)
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }
}
