import ICE
import STUN
import Testing
import Wire

struct ICERoleConflictTests {
    let aAddr = addr("192.0.2.10", 40000)
    let bAddr = addr("198.51.100.20", 50000)
    let tid: [UInt8] = Array(1...12)

    /// A check from b to a as b's agent would send it.
    func check(controlling: UInt64? = nil, controlled: UInt64? = nil, useCandidate: Bool = false) throws -> [UInt8] {
        var attributes: [STUNAttribute] = [.username("aUfr:bUfr"), .priority(1_862_270_975)]
        if let controlling { attributes.append(.iceControlling(tieBreaker: controlling)) }
        if let controlled { attributes.append(.iceControlled(tieBreaker: controlled)) }
        if useCandidate { attributes.append(.useCandidate) }
        return try STUNMessage(.request, transactionID: tid, attributes: attributes)
            .encode(integrityKey: Array(aCreds.password.utf8), fingerprint: true)
    }

    func responses(_ agent: inout ICEAgent) -> [STUNMessage] {
        var out: [STUNMessage] = []
        while let t = agent.pollTransmit() {
            if let m = try? STUNMessage.decode(t.bytes), m.messageClass != .request { out.append(m) }
        }
        return out
    }

    @Test func controllingWithLargerTieBreakerAnswers487() throws {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 500)
        let error = #expect(throws: ICEError.requestRejected(
            from: bAddr, code: 487, detail: "both controlling and our tie-breaker is larger: Role Conflict")) {
            try a.handleReceive(try check(controlling: 100), from: bAddr, now: at(ms: 0))
        }
        #expect(error?.description
            == "answered STUN check from 198.51.100.20:50000 with error 487: both controlling and our tie-breaker is larger: Role Conflict")
        let answer = try #require(responses(&a).first)
        #expect(answer.messageClass == .errorResponse)
        #expect(answer.transactionID == tid)
        #expect(answer.errorCode == .roleConflict)
        try answer.verifyIntegrity(key: Array(aCreds.password.utf8))
        try answer.verifyFingerprint()
        #expect(a.role == .controlling)
        #expect(a.pollEvent() == nil)
    }

    @Test func controllingWithSmallerTieBreakerSwitches() throws {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 50)
        try a.handleReceive(try check(controlling: 100), from: bAddr, now: at(ms: 0))
        #expect(a.role == .controlled)
        #expect(a.pollEvent() == .roleChanged(.controlled))
        let answer = try #require(responses(&a).first)
        #expect(answer.messageClass == .successResponse)
        #expect(answer.xorMappedAddress == bAddr)
        try answer.verifyIntegrity(key: Array(aCreds.password.utf8))
    }

    @Test func controlledWithLargerTieBreakerSwitches() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 500)
        try a.handleReceive(try check(controlled: 100), from: bAddr, now: at(ms: 0))
        #expect(a.role == .controlling)
        #expect(a.pollEvent() == .roleChanged(.controlling))
        var sent: [STUNMessage] = []
        while let t = a.pollTransmit() { if let m = try? STUNMessage.decode(t.bytes) { sent.append(m) } }
        #expect(sent.first?.messageClass == .successResponse)
        // Its triggered check toward b (sent at once: the pacing slot is free) carries ICE-CONTROLLING.
        #expect(sent.count == 2)
        #expect(sent.last?.messageClass == .request)
        #expect(sent.last?.iceControlling == 500)
    }

    @Test func controlledWithSmallerTieBreakerAnswers487() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 50)
        #expect(throws: ICEError.requestRejected(
            from: bAddr, code: 487, detail: "both controlled and our tie-breaker is smaller: Role Conflict")) {
            try a.handleReceive(try check(controlled: 100), from: bAddr, now: at(ms: 0))
        }
        #expect(a.role == .controlled)
        #expect(responses(&a).first?.errorCode == .roleConflict)
    }

    @Test func a487ResponseSwitchesRoleAndRedoesTheCheck() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 50)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        a.handleTimeout(now: at(ms: 0))
        let firstSent = a.pollTransmit()
        let first = try STUNMessage.decode(try #require(firstSent).bytes)
        #expect(first.iceControlled == 50)
        let conflict = try STUNMessage(.errorResponse, transactionID: first.transactionID, attributes: [.errorCode(.roleConflict)])
            .encode(integrityKey: Array(bCreds.password.utf8), fingerprint: true)
        try a.handleReceive(conflict, from: bAddr, now: at(ms: 10))
        #expect(a.role == .controlling)
        #expect(a.pollEvent() == .roleChanged(.controlling))
        a.handleTimeout(now: at(ms: 50))
        let redoSent = a.pollTransmit()
        let redo = try STUNMessage.decode(try #require(redoSent).bytes)
        #expect(redo.iceControlling == 50)
        #expect(redo.transactionID != first.transactionID)
    }

    @Test func twoControllingAgentsSettleAndConnect() {
        var a = makeAgent(.controlling, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 900, seed: 1)
        var b = makeAgent(.controlling, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 100, seed: 2)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.run(for: .seconds(2))
        #expect(net.a.agent.role == .controlling)
        #expect(net.b.agent.role == .controlled)
        #expect(net.a.events == [.connected(bAddr)])
        #expect(net.b.events == [.roleChanged(.controlled), .connected(aAddr)])
    }

    @Test func twoControlledAgentsSettleAndConnect() {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 900, seed: 1)
        var b = makeAgent(.controlled, local: bCreds, remote: aCreds, address: bAddr, tieBreaker: 100, seed: 2)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        b.addRemoteCandidate(address: aAddr, priority: 2_130_706_431, foundation: "1")
        var net = Network(AgentEndpoint(agent: a, address: aAddr), AgentEndpoint(agent: b, address: bAddr))
        net.run(for: .seconds(2))
        #expect(net.a.agent.role == .controlling)
        #expect(net.b.agent.role == .controlled)
        #expect(net.a.events.first == .roleChanged(.controlling))
        #expect(net.a.events.last == .connected(bAddr))
        #expect(net.b.events == [.connected(aAddr)])
    }
}
