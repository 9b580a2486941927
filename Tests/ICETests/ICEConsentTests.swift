import ICE
import STUN
import Testing
import Wire

struct ICEConsentTests {
    let aAddr = addr("192.0.2.10", 40000)
    let bAddr = addr("192.0.2.1", 3480)

    func connectedAgainstLite(seed: UInt64 = 1) -> Network<AgentEndpoint, LiteResponder> {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 7, seed: seed)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), LiteResponder(address: bAddr, password: bCreds.password))
        net.run(for: .milliseconds(100))
        return net
    }

    @Test func checksContinueEveryFourToSixSecondsWhileAnswered() throws {
        var net = connectedAgainstLite()
        #expect(net.a.events == [.connected(bAddr)])
        let connectedAt = try #require(net.a.eventTimes.first)
        net.run(for: .seconds(120))
        #expect(net.a.agent.state == .connected)
        #expect(net.a.events == [.connected(bAddr)])
        let consent = net.b.requests.filter { $0.at > connectedAt }
        #expect(consent.count >= 20 && consent.count <= 30)
        var previous = connectedAt
        for check in consent {
            let gap = check.at - previous
            #expect(gap >= .seconds(4) && gap <= .seconds(6), "gap \(gap)")
            #expect(!check.message.useCandidate)
            #expect(check.message.username == "bUfr:aUfr")
            try check.message.verifyIntegrity(key: Array(bCreds.password.utf8))
            previous = check.at
        }
        // Randomised: not all gaps are equal.
        let gaps = Set(zip(consent.dropFirst(), consent).map { $0.at - $1.at })
        #expect(gaps.count > 1)
    }

    @Test func consentLostThirtySecondsAfterLastResponse() throws {
        var net = connectedAgainstLite(seed: 9)
        net.run(for: .seconds(20))
        net.b.answering = false
        let lastAnswered = try #require(net.b.requests.last?.at)
        net.run(for: .seconds(40))
        let reason = ICEError.consentLost(remote: bAddr, seconds: 30)
        #expect(net.a.events == [.connected(bAddr), .disconnected(reason: reason)])
        #expect(reason.description == "ICE consent lost: no response from 192.0.2.1:3480 for 30 s")
        #expect(net.a.eventTimes.last == lastAnswered + .seconds(30))
        #expect(net.a.agent.state == .disconnected)
        // Checks kept going (unanswered) until consent was lost, then stopped.
        let unanswered = net.b.requests.filter { $0.at > lastAnswered }
        #expect(unanswered.count >= 4)
        #expect(unanswered.allSatisfy { $0.at < lastAnswered + .seconds(30) })
        #expect(net.a.agent.nextDeadline() == nil)
    }

    @Test func answersPeerChecksForTheWholeCall() throws {
        // Controlled against a full agent: keep answering its consent checks after connecting.
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 10, seed: 1)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 20, seed: 2)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.run(for: .seconds(300))
        #expect(net.a.events == [.connected(bAddr)])
        #expect(net.b.events == [.connected(aAddr)])
        #expect(net.a.dropped.isEmpty && net.b.dropped.isEmpty)
        let late = net.delivered.filter { $0.at > at(ms: 290_000) }
        #expect(!late.isEmpty)
    }
}
