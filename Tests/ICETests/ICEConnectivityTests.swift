import ICE
import STUN
import Testing
import Wire

struct ICEConnectivityTests {
    let aAddr = addr("192.0.2.10", 40000)
    let bAddr = addr("198.51.100.20", 50000)

    @Test func twoFullAgentsConnect() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 10, seed: 1)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 20, seed: 2)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.run(for: .seconds(2))
        #expect(net.a.events == [.connected(bAddr)])
        #expect(net.b.events == [.connected(aAddr)])
        #expect(net.a.agent.state == .connected && net.b.agent.state == .connected)
        #expect(net.a.agent.selectedRemote == bAddr)
        #expect(net.b.agent.selectedRemote == aAddr)
        #expect(net.a.dropped.isEmpty && net.b.dropped.isEmpty)
        // The controlling agent nominated with USE-CANDIDATE; the controlled one never did.
        #expect(requests(in: net.delivered, from: aAddr).contains { $0.message.useCandidate })
        #expect(!requests(in: net.delivered, from: bAddr).contains { $0.message.useCandidate })
    }

    @Test func controlledAgentLearnsPeerReflexiveCandidate() {
        let a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 10, seed: 1)
        var a2 = a
        a2.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        // b knows no candidate of a: a's first check makes a peer-reflexive one.
        let b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 20, seed: 2)
        var net = Network(AgentEndpoint(agent: a2, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.run(for: .seconds(2))
        #expect(net.b.agent.checkList == [aAddr])
        #expect(net.a.events == [.connected(bAddr)])
        #expect(net.b.events == [.connected(aAddr)])
    }

    @Test func controllingAgainstLiteResponder() throws {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 0xABCD)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), LiteResponder(address: bAddr, password: bCreds.password))
        net.run(for: .seconds(1))
        #expect(net.a.events == [.connected(bAddr)])
        let sent = net.b.requests
        #expect(sent.count == 2)
        let first = sent[0].message, nomination = sent[1].message
        #expect(first.username == "bUfr:aUfr")
        // Peer-reflexive priority: type preference 110, local preference 65535, component 1.
        #expect(first.priority == UInt32(110 << 24 | 65535 << 8 | 255))
        #expect(first.iceControlling == 0xABCD)
        #expect(first.iceControlled == nil)
        #expect(!first.useCandidate)
        #expect(nomination.useCandidate)
        #expect(nomination.iceControlling == 0xABCD)
        try first.verifyIntegrity(key: Array(bCreds.password.utf8))
        try first.verifyFingerprint()
        try nomination.verifyIntegrity(key: Array(bCreds.password.utf8))
        try nomination.verifyFingerprint()
        // MESSAGE-INTEGRITY then FINGERPRINT are the last two attributes.
        let raw = net.delivered[0].bytes
        #expect(Array(raw[(raw.count - 32)..<(raw.count - 28)]) == [0x00, 0x08, 0x00, 0x14])
        #expect(Array(raw[(raw.count - 8)..<(raw.count - 4)]) == [0x80, 0x28, 0x00, 0x04])
    }

    @Test func liteRoleIsForcedControlling() {
        let a = makeAgent(.controlled, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 1)
        #expect(a.role == .controlling)
    }

    @Test func ipv6AgentsConnect() {
        let a6 = addr("2001:db8::a", 40000), b6 = addr("2001:db8::b", 50000)
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: a6, tieBreaker: 10, seed: 3)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: b6, tieBreaker: 20, seed: 4)
        a.addRemoteCandidate(address: b6, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: a6, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: a6), AgentEndpoint(agent: b, address: b6))
        net.run(for: .seconds(2))
        #expect(net.a.events == [.connected(b6)])
        #expect(net.b.events == [.connected(a6)])
        // The XOR-MAPPED-ADDRESS in b's response to a is a's IPv6 address.
        let mapped = net.delivered.compactMap { p -> TransportAddress? in
            guard p.from == b6, let m = try? STUNMessage.decode(p.bytes), m.messageClass == .successResponse else { return nil }
            return m.xorMappedAddress
        }
        #expect(mapped.first == a6)
    }

    @Test func ipv6CandidateWaitsForAnIPv6LocalAddress() {
        let v6Local = addr("2001:db8::a", 40000), v6Remote = addr("2001:db8::b", 50000)
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 1)
        a.addRemoteCandidate(address: v6Remote, priority: 2_130_706_431, foundation: "1")
        #expect(a.checkList.isEmpty)
        #expect(a.nextDeadline() == nil)
        a.addLocalAddress(v6Local)
        #expect(a.checkList == [v6Remote])
        var net = Network(AgentEndpoint(agent: a, address: v6Local), LiteResponder(address: v6Remote, password: bCreds.password))
        net.run(for: .seconds(1))
        #expect(net.a.events == [.connected(v6Remote)])
    }

    @Test func checkListIsSortedByPairPriority() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        let low = addr("203.0.113.1", 1), high = addr("203.0.113.2", 2), mid = addr("203.0.113.3", 3)
        a.addRemoteCandidate(address: low, priority: 100, foundation: "1")
        a.addRemoteCandidate(address: high, priority: 2_130_706_431, foundation: "2")
        a.addRemoteCandidate(address: mid, priority: 1_694_498_815, foundation: "3")
        #expect(a.checkList == [high, mid, low])
        a.addRemoteCandidate(address: mid, priority: 5, foundation: "dup")
        #expect(a.checkList == [high, mid, low])
    }

    @Test func pairPriorityFormula() {
        // G = controlling candidate priority, D = controlled: 2^32·min + 2·max + (G > D ? 1 : 0).
        #expect(ICEAgent.pairPriority(controlling: 2_130_706_431, controlled: 100) == (100 << 32) + 2 * 2_130_706_431 + 1)
        #expect(ICEAgent.pairPriority(controlling: 100, controlled: 2_130_706_431) == (100 << 32) + 2 * 2_130_706_431)
    }
}

extension ICEConnectivityTests {
    @Test func hostCandidatePriority() {
        #expect(ICEAgent.hostCandidatePriority() == 2_130_706_431)
        #expect(ICEAgent.hostCandidatePriority(localPreference: 65534) == 2_130_706_175)
    }
}
