import ICE
import STUN
import Testing
import Wire

struct ICEFailureTests {
    let aAddr = addr("192.0.2.10", 40000)
    let bAddr = addr("192.0.2.1", 3480)

    @Test func wrongRemotePasswordFailsWithIntegrityReason() {
        // We were told the wrong ice-pwd; the lite peer answers (without checking ours) keyed with its real one.
        let wrong = ICECredentials(ufrag: bCreds.ufrag, password: "not-the-real-password!")
        var a = makeAgent(.controlling, local: aCreds, remote: wrong, lite: true, address: aAddr, tieBreaker: 7)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        var lite = LiteResponder(address: bAddr, password: bCreds.password)
        lite.verifyRequests = false
        var net = Network(AgentEndpoint(agent: a, address: aAddr), lite)
        net.run(for: .seconds(20))
        let reason = ICEError.responsesFailedIntegrity(count: 7, from: bAddr)
        #expect(net.a.events == [.failed(reason: reason)])
        #expect(net.a.agent.state == .failed)
        #expect(reason.description
            == "ICE failed: 7 responses from 192.0.2.1:3480 failed MESSAGE-INTEGRITY — is the remote ice-pwd right?")
        #expect(net.a.dropped.count == 7)
        #expect(net.a.dropped.first == .responseFailedIntegrity(from: bAddr, .integrityMismatch(offset: 32)))
    }

    @Test func peerRejectingOurIntegrityFailsWith401() {
        let wrong = ICECredentials(ufrag: bCreds.ufrag, password: "not-the-real-password!")
        var a = makeAgent(.controlling, local: aCreds, remote: wrong, address: aAddr, tieBreaker: 7, seed: 1)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 9, seed: 2)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.run(for: .seconds(1))
        let reason = ICEError.errorResponses(code: .unauthorized, from: bAddr)
        #expect(net.a.events == [.failed(reason: reason)])
        #expect(reason.description == "ICE failed: 192.0.2.1:3480 answered our checks with STUN error 401 (Unauthorized)"
            + " — are the remote ice-ufrag and ice-pwd right?")
        #expect(net.b.dropped.first == .requestRejected(from: aAddr, code: 401, detail: "MESSAGE-INTEGRITY does not match our ice-pwd"))
    }

    @Test func noResponsesFailAfterAllAttempts() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 7)
        a.addRemoteCandidate(address: addr("203.0.113.1", 1000), priority: 2_130_706_431, foundation: "1")
        a.addRemoteCandidate(address: addr("203.0.113.2", 2000), priority: 1_694_498_815, foundation: "2")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), LiteResponder(address: bAddr, password: bCreds.password))
        net.run(for: .seconds(8))
        #expect(net.a.events.isEmpty)
        net.run(for: .seconds(1))
        let reason = ICEError.noResponse(candidates: 2, attempts: 7)
        #expect(net.a.events == [.failed(reason: reason)])
        #expect(reason.description == "ICE failed: no STUN response from any of 2 remote candidates after 7 attempts")
        #expect(net.a.agent.nextDeadline() == nil)
        #expect(net.a.agent.state == .failed)
    }

    @Test func noResponseTimingFollowsRTO() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 7)
        a.addRemoteCandidate(address: addr("203.0.113.1", 1000), priority: 1, foundation: "1")
        var sendTimes: [Int64] = []
        var now = at(ms: 0)
        while let deadline = a.nextDeadline(), deadline < at(ms: 20_000) {
            now = deadline
            a.handleTimeout(now: now)
            while a.pollTransmit() != nil { sendTimes.append(now.nanoseconds / 1_000_000) }
        }
        #expect(sendTimes == [0, 250, 750, 1750, 3350, 4950, 6550])
        #expect(a.pollEvent() == .failed(reason: .noResponse(candidates: 1, attempts: 7)))
        #expect(now == at(ms: 8150))
    }

    @Test func asymmetricResponsesAreNamed() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 7)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        let nat = addr("192.0.2.1", 9999)
        var now = at(ms: 0)
        var lite = LiteResponder(address: bAddr, password: bCreds.password)
        var events: [ICEEvent] = []
        while let deadline = a.nextDeadline(), deadline < at(ms: 20_000) {
            now = deadline
            a.handleTimeout(now: now)
            while let t = a.pollTransmit() {
                lite.receive(t.bytes, from: aAddr, now: now)
                for r in lite.drainTransmits() { try? a.handleReceive(r.bytes, from: nat, now: now) }
            }
            while let e = a.pollEvent() { events.append(e) }
        }
        let reason = ICEError.asymmetricResponses(count: 7, sentTo: bAddr, cameFrom: nat)
        #expect(events == [.failed(reason: reason)])
        #expect(reason.description == "ICE failed: 7 responses to checks sent to 192.0.2.1:3480 came from 192.0.2.1:9999"
            + " and were ignored (RFC 8445 7.2.5.2.1) — is the remote behind a NAT that changes ports?")
    }
}
