import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IVRApp

/// `ivrd call +15551234567 --flow reminder --var name=Ana`: places a call through the running
/// daemon's admin API (`POST /v1/calls`, bearer `IVR_ADMIN_TOKEN`).
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Place a business-initiated call through the running daemon (admin API).",
        discussion: """
            The daemon checks the user's call permission (and asks for it when missing), calls, and runs the flow \
            once media is up. The admin listener is --admin-url, else admin.host/admin.port of --config with \
            IVR_ADMIN_HOST/IVR_ADMIN_PORT over them (default 127.0.0.1:8081); the token is IVR_ADMIN_TOKEN, \
            else admin.token of --config.
            """)

    @Argument(help: "The user's WhatsApp number, e.g. +15551234567.")
    var to: String

    @Option(help: "The flow to run once the call is answered.")
    var flow: String

    @Option(name: .customLong("var"), help: "A flow variable, name=value (repeatable).")
    var vars: [String] = []

    @Option(help: "Echoed by WhatsApp on the call's webhooks (biz_opaque_callback_data).")
    var opaque: String?

    @Option(help: "The business number's phone_number_id to call from.")
    var phoneNumberID: String?

    @Option(help: "The admin listener's base URL (default http://admin.host:admin.port).")
    var adminURL: String?

    @Option(help: "YAML config file whose admin: section to use (IVR_ADMIN_* variables override it).")
    var config: String?

    func run() async throws {
        var variables: [String: String] = [:]
        for v in vars {
            guard let eq = v.firstIndex(of: "="), eq != v.startIndex else {
                throw ValidationError("--var expects name=value, got '\(v)'")
            }
            variables[String(v[..<eq])] = String(v[v.index(after: eq)...])
        }
        let admin = try AdminClient(adminURL: adminURL, config: config)
        var body: [String: Any] = ["to": to, "flow": flow, "vars": variables]
        if let opaque { body["biz_opaque_callback_data"] = opaque }
        if let phoneNumberID { body["phone_number_id"] = phoneNumberID }
        let data = try await admin.send("POST", "/v1/calls", body: try JSONSerialization.data(withJSONObject: body))
        print(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
