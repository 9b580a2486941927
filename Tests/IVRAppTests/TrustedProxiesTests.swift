import IVRApp
import Testing
import Wire

/// Which address a request is charged to, behind proxies and not.
@Suite struct TrustedProxiesTests {
    let nginx = TrustedProxies([IPNetwork("127.0.0.1"), IPNetwork("10.0.0.0/8")].compactMap { $0 })

    @Test func withoutTrustedProxiesTheHeaderIsNeverRead() {
        #expect(TrustedProxies().client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "127.0.0.1")
    }

    @Test func anUntrustedPeerIsChargedWhateverItClaims() {
        #expect(nginx.client(peer: "198.51.100.7", forwardedFor: ["203.0.113.9"]) == "198.51.100.7")
    }

    @Test func theRightMostUntrustedHopIsTheClientAndForgedEntriesToItsLeftAreIgnored() {
        // The client sent "1.1.1.1" itself; nginx appended the address it saw.
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.9"]) == "203.0.113.9")
        // Two proxies: an edge proxy in 10/8, then nginx on loopback.
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.9, 10.1.2.3"]) == "203.0.113.9")
        // Header lines are one list, in order.
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1", "203.0.113.9"]) == "203.0.113.9")
    }

    @Test func portsBracketsAndIPv6AreRead() {
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9:5060"]) == "203.0.113.9")
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["[2001:db8::7]:443"]) == "2001:db8::7")
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["2001:db8::7"]) == "2001:db8::7")
        // A dual-stack socket reports an IPv4 proxy as ::ffff:127.0.0.1.
        #expect(nginx.client(peer: "::ffff:127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
    }

    @Test func garbageEmptyOrOnlyProxiesFallsBackToThePeer() {
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["not-an-address"]) == "127.0.0.1")
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["10.0.0.1, 10.0.0.2"]) == "127.0.0.1")
        #expect(nginx.client(peer: nil, forwardedFor: ["203.0.113.9"]) == "-")
        // Beyond 16 hops nothing more is read.
        let long = Array(repeating: "10.0.0.1", count: 40).joined(separator: ",")
        #expect(nginx.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9," + long]) == "127.0.0.1")
    }

    @Test func blocksAreParsedWithPreciseErrors() throws {
        let parsed = try TrustedProxies.parse(["127.0.0.1", " 10.1.2.3/8", "fd00::/8"]).get()
        #expect(parsed.networks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"])
        #expect(parsed.trusts(try #require(IPAddress("10.200.0.1"))))
        #expect(!parsed.trusts(try #require(IPAddress("11.0.0.1"))))
        #expect(parsed.trusts(try #require(IPAddress("fdab::1"))))
        for bad in ["10.0.0.0/33", "10.0.0.0/", "nginx", "10.0.0.0/-1", "::/129", "10.0.0.0/8/8"] {
            #expect(throws: TrustedProxies.InvalidEntry(text: bad)) { try TrustedProxies.parse([bad]).get() }
        }
    }
}
