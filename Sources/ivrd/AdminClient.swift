import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IVRApp

/// The running daemon's admin API for `ivrd call` and `ivrd campaign`: the listener is --admin-url,
/// else admin.host/admin.port of --config with IVR_ADMIN_HOST/IVR_ADMIN_PORT over them (default
/// 127.0.0.1:8081); the token is IVR_ADMIN_TOKEN, else admin.token of --config.
struct AdminClient {
    let base: String
    let token: String

    init(adminURL: String?, config: String?) throws {
        let admin: IVRConfig.Admin
        do {
            admin = try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment).admin
        } catch let error as ConfigError {
            throw ValidationError("configuration error: \(error)")
        }
        guard let token = admin.token else {
            throw ValidationError("IVR_ADMIN_TOKEN is not set (nor admin.token in --config): the admin API needs it")
        }
        self.token = token
        self.base = adminURL ?? "http://\(Self.reachable(admin.host)):\(admin.port)"
    }

    /// Sends one request; the body of a 2xx answer, else an error naming the status and the daemon's text.
    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws
        -> Data {
        guard let url = URL(string: base + path) else { throw ValidationError("--admin-url: not a URL: \(base)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if body != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = body
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CallsError("the daemon answered HTTP \(status): \(text)")
        }
        return data
    }

    /// Where to reach a listener bound to `host`: a wildcard address is reached on loopback.
    static func reachable(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::", "[::]": return "[::1]"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}
