import Foundation
@testable import IVRApp
import IVRTesting
import Testing

/// `outbound.dialer` from the file and the environment; the example file's values are the defaults.
@Suite struct DialerConfigTests {
    @Test func theDialerSectionLoadsAndBadValuesAreNamed() throws {
        var c = IVRConfig()
        try ConfigLoader.apply(yaml: """
            outbound:
              dialer:
                tick_ms: 250
                claim_lease: 30
                rate: 30/m
                max_attempts: 3
                retry_after: 600
                rate_limit_backoff: 90
            """, source: "f.yaml", to: &c)
        #expect(c.outbound.dialer.tickMs == 250 && c.outbound.dialer.claimLeaseSeconds == 30)
        #expect(c.outbound.dialer.rate == DialRate(count: 30, period: 60))
        #expect(c.outbound.dialer.retry == RedialPolicy(maxAttempts: 3, retryAfter: 600, rateLimitBackoff: 90))
        try ConfigLoader.apply(environment: ["IVR_DIALER_TICK_MS": "100", "IVR_DIALER_CLAIM_LEASE": "5"], to: &c)
        #expect(c.outbound.dialer.tickMs == 100 && c.outbound.dialer.claimLeaseSeconds == 5)
        #expect(throws: ConfigError.self) {
            try ConfigLoader.apply(yaml: "outbound:\n  dialer:\n    rate: fast\n", source: "f.yaml", to: &c)
        }
        do {
            try ConfigLoader.apply(environment: ["IVR_DIALER_CLAIM_LEASE": "1"], to: &c)
            Issue.record("a lease of 1 s was taken")
        } catch {
            #expect("\(error)".contains("IVR_DIALER_CLAIM_LEASE") && "\(error)".contains("2–3600"))
        }
    }

    @Test func theExampleFileDocumentsTheDefaults() throws {
        let path = Fixtures.repositoryRoot().appendingPathComponent("Deploy/ivr.example.yaml").path
        let c = try ConfigLoader.load(path: path, environment: [:])
        #expect(c.outbound.dialer == IVRConfig.Dialer())
    }
}
