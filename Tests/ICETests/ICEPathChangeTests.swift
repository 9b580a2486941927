import ICE
import STUN
import Testing
import Wire

/// The peer's address changes mid-call (Wi-Fi to LTE, a NAT rebinding): the connected agent follows it to
/// the new address through consent on the new pair, and only after validating that pair itself.
struct ICEPathChangeTests {
    let callerAddr = addr("192.0.2.10", 40000)
    let movedAddr = addr("203.0.113.99", 61000)
    let serverAddr = addr("198.51.100.20", 50000)

    /// The caller (a full controlling agent, as aiortc is) and the server (controlled), connected.
    func connectedPair() -> Network<AgentEndpoint, AgentEndpoint> {
        var caller = makeAgent(.controlling, local: aCreds, remote: bCreds, address: callerAddr, tieBreaker: 20, seed: 3)
        var server = makeAgent(.controlled, local: bCreds, remote: aCreds, address: serverAddr, tieBreaker: 10, seed: 4)
        caller.addRemoteCandidate(address: serverAddr, priority: 2_130_706_431, foundation: "1")
        server.addRemoteCandidate(address: callerAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: caller, address: callerAddr), AgentEndpoint(agent: server, address: serverAddr))
        net.run(for: .seconds(2))
        return net
    }

    @Test func aCallerThatMovesIsFollowedThroughConsentOnTheNewPair() {
        var net = connectedPair()
        #expect(net.b.events == [.connected(callerAddr)])
        let moved = net.now
        net.a.address = movedAddr  // from now on the caller's packets come from the new address; the old one is dead
        net.run(for: .seconds(40))
        #expect(net.b.events == [.connected(callerAddr), .selectedPairChanged(from: callerAddr, to: movedAddr)])
        #expect(net.b.agent.selectedRemote == movedAddr)
        #expect(net.b.agent.state == .connected)
        #expect(net.a.agent.state == .connected)
        // The caller's next consent check (4–6 s) reveals the new address; the server's consent check on the
        // old pair then goes unanswered for pathSwitchAfter (1 s) before it moves.
        let switchedAt = net.b.eventTimes[1]
        #expect(switchedAt > moved && switchedAt <= moved + .seconds(6) + .milliseconds(1100))
        // Consent is kept on the new pair: the server's checks go there and are answered.
        let toNew = net.delivered.filter { $0.from == serverAddr && $0.to == movedAddr && $0.at > switchedAt + .seconds(10) }
        #expect(!toNew.isEmpty)
    }

    @Test func aSecondWorkingPathDoesNotMoveTheSelectedPair() throws {
        let net = connectedPair()
        var server = net.b.agent
        var t = net.now + .milliseconds(10)
        let other = addr("203.0.113.50", 62000)
        try server.handleReceive(try peerCheck(), from: other, now: t)
        let out = drain(&server)
        // Answered, the new pair checked, and a consent check on the selected pair at once.
        #expect(out.filter { $0.destination == other }.count == 2)
        let consent = try #require(out.first { $0.destination == callerAddr })
        try server.handleReceive(try answer(out.last { $0.destination == other }), from: other, now: t)
        try server.handleReceive(try answer(consent), from: callerAddr, now: t)
        #expect(server.standbyRemote == other)
        t = t + .seconds(3)
        server.handleTimeout(now: t)
        #expect(server.pollEvent() == nil)
        #expect(server.selectedRemote == callerAddr)
    }

    @Test func theStandbyPathTakesOverWhenTheSelectedOneStopsAnswering() throws {
        let net = connectedPair()
        var server = net.b.agent
        let t = net.now + .milliseconds(10)
        let other = addr("203.0.113.50", 62000)
        try server.handleReceive(try peerCheck(), from: other, now: t)
        let out = drain(&server)
        try server.handleReceive(try answer(out.last { $0.destination == other }), from: other, now: t)
        #expect(server.pollEvent() == nil)
        #expect(server.nextDeadline() == t + .seconds(1))
        server.handleTimeout(now: t + .milliseconds(999))
        #expect(server.pollEvent() == nil)
        server.handleTimeout(now: t + .seconds(1))
        #expect(server.pollEvent() == .selectedPairChanged(from: callerAddr, to: other))
        #expect(server.selectedRemote == other)
    }

    @Test func aNominationFromTheNewAddressMovesAtOnceOnceValidated() throws {
        let net = connectedPair()
        var server = net.b.agent
        let t = net.now + .milliseconds(10)
        try server.handleReceive(try peerCheck(useCandidate: true), from: movedAddr, now: t)
        let out = drain(&server)
        #expect(server.pollEvent() == nil)  // not before our own check there succeeded
        try server.handleReceive(try answer(out.last { $0.destination == movedAddr }), from: movedAddr, now: t)
        #expect(server.pollEvent() == .selectedPairChanged(from: callerAddr, to: movedAddr))
    }

    @Test func anUnauthenticatedCheckFromANewAddressChangesNothing() throws {
        let net = connectedPair()
        var server = net.b.agent
        let t = net.now + .milliseconds(10)
        let error = #expect(throws: ICEError.self) {
            try server.handleReceive(try peerCheck(key: "notTheServerPassword123"), from: movedAddr, now: t)
        }
        #expect(error?.description
            == "answered STUN check from 203.0.113.99:61000 with error 401: MESSAGE-INTEGRITY does not match our ice-pwd")
        let out = drain(&server)
        #expect(out.count == 1)  // the 401 only: no check of ours toward the stranger
        server.handleTimeout(now: t + .seconds(5))
        #expect(server.pollEvent() == nil)
        #expect(server.selectedRemote == callerAddr)
        #expect(server.standbyRemote == nil)
    }

    // MARK: Helpers

    /// A consent-style check from the caller (controlling): USERNAME server:caller, keyed with the server's pwd.
    func peerCheck(useCandidate: Bool = false, key: String = bCreds.password) throws -> [UInt8] {
        var attributes: [STUNAttribute] = [.username("\(bCreds.ufrag):\(aCreds.ufrag)"), .priority(1_862_270_975),
                                           .iceControlling(tieBreaker: 20)]
        if useCandidate { attributes.append(.useCandidate) }
        let id: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, useCandidate ? 13 : 12]
        return try STUNMessage(.request, transactionID: id, attributes: attributes)
            .encode(integrityKey: Array(key.utf8), fingerprint: true)
    }

    /// The caller's success response to one of the server's checks.
    func answer(_ check: ICETransmit?) throws -> [UInt8] {
        let sent = try #require(check)
        let request = try STUNMessage.decode(sent.bytes)
        return try STUNMessage(.successResponse, transactionID: request.transactionID,
                               attributes: [.xorMappedAddress(sent.source)])
            .encode(integrityKey: Array(aCreds.password.utf8), fingerprint: true)
    }

    func drain(_ agent: inout ICEAgent) -> [ICETransmit] {
        var out: [ICETransmit] = []
        while let t = agent.pollTransmit() { out.append(t) }
        return out
    }
}
