import Yams

/// The `admin:` section: the admin listener's address and its bearer token.
extension ConfigLoader {
    static let adminKeys = ["host", "port", "token"]

    static func applyAdmin(_ admin: [String: Node], reader r: YAMLReader, to out: inout IVRConfig.Admin) throws {
        if let v = try r.string(admin["host"], "admin.host"), !v.isEmpty { out.host = v }
        if let v = try r.int(admin["port"], "admin.port", 0...65535) { out.port = v }
        if let v = try r.string(admin["token"], "admin.token"), !v.isEmpty {
            guard v.count >= 16 else {
                throw r.error(admin["token"], "admin.token: use at least 16 characters (e.g. `openssl rand -hex 24`)")
            }
            out.token = v
        }
    }

    static func applyAdmin(environment env: [String: String], to out: inout IVRConfig.Admin) throws {
        if let v = env["IVR_ADMIN_HOST"], !v.isEmpty { out.host = v }
        if let v = env["IVR_ADMIN_PORT"], !v.isEmpty {
            guard let port = Int(v), (0...65535).contains(port) else {
                throw ConfigError(source: "IVR_ADMIN_PORT", message: "expected a port number 0–65535, got '\(v)'")
            }
            out.port = port
        }
        if let v = env["IVR_ADMIN_TOKEN"], !v.isEmpty {
            guard v.count >= 16 else {
                throw ConfigError(source: "IVR_ADMIN_TOKEN",
                                  message: "use at least 16 characters (e.g. `openssl rand -hex 24`), got \(v.count)")
            }
            out.token = v
        }
    }

    /// An admin listener on a non-loopback address must have a token: `/metrics` and the call data
    /// would otherwise be open to the network.
    static func checkAdmin(_ admin: IVRConfig.Admin) throws {
        if admin.token == nil && !admin.isLoopback {
            throw ConfigError(source: "admin.host",
                              message: "the admin listener binds \(admin.host), which is not loopback, and IVR_ADMIN_TOKEN is not set; set a token or keep admin.host on 127.0.0.1")
        }
    }
}
