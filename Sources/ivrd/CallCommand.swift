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
            once media is up. The admin address is --admin, else IVR_ADMIN_HOST/IVR_ADMIN_PORT \
            (default 127.0.0.1:8081); the token is IVR_ADMIN_TOKEN.
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

    @Option(help: "Admin API base URL (default http://IVR_ADMIN_HOST:IVR_ADMIN_PORT).")
    var admin: String?

    func run() async throws {
        var variables: [String: String] = [:]
        for v in vars {
            guard let eq = v.firstIndex(of: "="), eq != v.startIndex else {
                throw ValidationError("--var expects name=value, got '\(v)'")
            }
            variables[String(v[..<eq])] = String(v[v.index(after: eq)...])
        }
        let env = ProcessInfo.processInfo.environment
        let base = admin ?? "http://\(env["IVR_ADMIN_HOST"] ?? "127.0.0.1"):\(env["IVR_ADMIN_PORT"] ?? "8081")"
        guard let url = URL(string: base + "/v1/calls") else { throw ValidationError("--admin: not a URL: \(base)") }
        var body: [String: Any] = ["to": to, "flow": flow, "vars": variables]
        if let opaque { body["biz_opaque_callback_data"] = opaque }
        if let phoneNumberID { body["phone_number_id"] = phoneNumberID }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token = env["IVR_ADMIN_TOKEN"], !token.isEmpty {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.timeoutInterval = 15
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard (200..<300).contains(status) else { throw CallsError("the daemon answered HTTP \(status): \(text)") }
        print(text)
    }
}
