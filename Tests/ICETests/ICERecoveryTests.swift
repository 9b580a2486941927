import ICE
import STUN
import Testing
import Wire

struct ICERecoveryTests {
    let aAddr = addr("192.0.2.10", 40000)
    let bAddr = addr("198.51.100.20", 50000)

    @Test func lostChecksAreRetransmitted() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 7)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), LiteResponder(address: bAddr, password: bCreds.password))
        net.dropFromA = { count, _ in count <= 3 }  // the first send and two retransmissions are lost
        net.run(for: .seconds(5))
        #expect(net.a.events == [.connected(bAddr)])
        // The 4th send (after 250 + 500 + 1000 ms) got through; the same transaction was retransmitted.
        let seen = net.b.requests
        #expect(seen.first?.at == at(ms: 1750))
        #expect(seen.count == 2)
    }

    @Test func lostResponsesAreRecovered() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 10, seed: 1)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 20, seed: 2)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.dropFromA = { count, _ in count % 2 == 1 }  // every other datagram from a is lost
        net.dropFromB = { count, _ in count <= 2 }
        net.run(for: .seconds(10))
        #expect(net.a.events == [.connected(bAddr)])
        #expect(net.b.events == [.connected(aAddr)])
    }

    @Test func reorderedPacketsStillConnect() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 10, seed: 5)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 20, seed: 6)
        let other = addr("198.51.100.21", 50001)
        a.addRemoteCandidate(address: other, priority: 2_130_706_431, foundation: "2")
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.reorder = true
        net.run(for: .seconds(3))
        #expect(net.a.events == [.connected(bAddr)])
        #expect(net.b.events == [.connected(aAddr)])
    }

    @Test func duplicateAndStaleResponsesAreDropped() throws {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, lite: true, address: aAddr, tieBreaker: 7)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        a.handleTimeout(now: at(ms: 0))
        let sent = a.pollTransmit()
        let check = try #require(sent)
        var lite = LiteResponder(address: bAddr, password: bCreds.password)
        lite.receive(check.bytes, from: aAddr, now: at(ms: 1))
        let responses = lite.drainTransmits()
        let response = try #require(responses.first)
        // From the wrong address: ignored (RFC 8445 7.2.5.2.1).
        let wrong = addr("198.51.100.99", 50000)
        #expect(throws: ICEError.responseFromUnexpectedAddress(sentTo: bAddr, cameFrom: wrong)) {
            try a.handleReceive(response.bytes, from: wrong, now: at(ms: 2))
        }
        try a.handleReceive(response.bytes, from: bAddr, now: at(ms: 3))
        // The same response again: its transaction is gone.
        let error = #expect(throws: ICEError.unknownTransaction(from: bAddr)) {
            try a.handleReceive(response.bytes, from: bAddr, now: at(ms: 4))
        }
        #expect(error?.description == "dropped STUN response from 198.51.100.20:50000: no outstanding check has its transaction id")
        // Garbage is reported, not fatal.
        #expect(throws: ICEError.malformed(from: bAddr, .truncatedHeader(available: 3))) {
            try a.handleReceive([0, 1, 2], from: bAddr, now: at(ms: 5))
        }
    }
}
