import IVRApp
import Testing

/// `admin:` and its environment overrides.
@Suite struct AdminConfigTests {
    @Test func defaultsAreLoopbackWithoutAToken() throws {
        let c = try ConfigLoader.load(path: nil, environment: [:])
        #expect(c.admin.host == "127.0.0.1")
        #expect(c.admin.port == 8081)
        #expect(c.admin.token == nil)
    }

    @Test func environmentWinsOverTheFile() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: "admin:\n  host: 10.0.0.2\n  port: 9001\n  token: file-token-0123456789\n",
                               source: "ivr.yaml", to: &c)
        #expect(c.admin == IVRConfig.Admin(host: "10.0.0.2", port: 9001, token: "file-token-0123456789"))
        try ConfigLoader.apply(environment: ["IVR_ADMIN_HOST": "127.0.0.1", "IVR_ADMIN_PORT": "0",
                                             "IVR_ADMIN_TOKEN": "env-token-0123456789"], to: &c)
        #expect(c.admin == IVRConfig.Admin(host: "127.0.0.1", port: 0, token: "env-token-0123456789"))
    }

    @Test func badValuesAreRefusedPrecisely() {
        var c = IVRConfig()
        #expect(throws: ConfigError(source: "IVR_ADMIN_PORT", message: "expected a port number 0–65535, got '99999'")) {
            try ConfigLoader.apply(environment: ["IVR_ADMIN_PORT": "99999"], to: &c)
        }
        #expect(throws: ConfigError(source: "IVR_ADMIN_TOKEN",
                                    message: "use at least 16 characters (e.g. `openssl rand -hex 24`), got 5")) {
            try ConfigLoader.apply(environment: ["IVR_ADMIN_TOKEN": "short"], to: &c)
        }
    }

    @Test func aNonLoopbackListenerNeedsAToken() throws {
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(path: nil, environment: ["IVR_ADMIN_HOST": "0.0.0.0"])
        }
        let c = try ConfigLoader.load(path: nil, environment: ["IVR_ADMIN_HOST": "0.0.0.0",
                                                               "IVR_ADMIN_TOKEN": "a-long-enough-token-xyz"])
        #expect(c.admin.host == "0.0.0.0")
    }
}
