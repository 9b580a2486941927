import ICE
import STUN
import Testing
import Wire

/// How the agent answers the peer's checks, and controlled-side selection.
struct ICERequestTests {
    let aAddr = addr("192.0.2.10", 40000)
    let bAddr = addr("198.51.100.20", 50000)
    let tid: [UInt8] = Array(21...32)

    func request(_ attributes: [STUNAttribute], key: String? = aCreds.password, fingerprint: Bool = true) throws -> [UInt8] {
        try STUNMessage(.request, transactionID: tid, attributes: attributes)
            .encode(integrityKey: key.map { Array($0.utf8) }, fingerprint: fingerprint)
    }

    func answer(_ agent: inout ICEAgent) throws -> STUNMessage {
        let sent = agent.pollTransmit()
        let t = try #require(sent)
        #expect(t.destination == bAddr)
        return try STUNMessage.decode(t.bytes)
    }

    func expectRejected(_ bytes: [UInt8], code: STUNErrorCode, detail: String) throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        #expect(throws: ICEError.requestRejected(from: bAddr, code: code.code, detail: detail)) {
            try a.handleReceive(bytes, from: bAddr, now: at(ms: 0))
        }
        let response = try answer(&a)
        #expect(response.messageClass == .errorResponse)
        #expect(response.transactionID == tid)
        #expect(response.errorCode == code)
        #expect(response.messageIntegrity == nil)
        try response.verifyFingerprint()
        #expect(a.pollTransmit() == nil)
        #expect(a.checkList.isEmpty)
    }

    @Test func successResponseCarriesMappedAddressIntegrityAndFingerprint() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        try a.handleReceive(try request([.username("aUfr:bUfr"), .priority(99), .iceControlling(tieBreaker: 5)]),
                            from: bAddr, now: at(ms: 0))
        let response = try answer(&a)
        #expect(response.messageClass == .successResponse)
        #expect(response.transactionID == tid)
        #expect(response.xorMappedAddress == bAddr)
        try response.verifyIntegrity(key: Array(aCreds.password.utf8))
        try response.verifyFingerprint()
        // The unknown source became a peer-reflexive candidate, and a triggered check went toward it.
        #expect(a.checkList == [bAddr])
        let check = try answer(&a)
        #expect(check.messageClass == .request)
        #expect(check.username == "bUfr:aUfr")
    }

    @Test func wrongUfragGets401() throws {
        try expectRejected(try request([.username("zzzz:bUfr"), .priority(1), .iceControlling(tieBreaker: 5)]),
                           code: .unauthorized, detail: "USERNAME \"zzzz:bUfr\" does not start with our ice-ufrag \"aUfr:\"")
    }

    @Test func wrongPasswordGets401() throws {
        try expectRejected(try request([.username("aUfr:bUfr"), .priority(1)], key: "wrong"),
                           code: .unauthorized, detail: "MESSAGE-INTEGRITY does not match our ice-pwd")
    }

    @Test func missingUsernameGets400() throws {
        try expectRejected(try request([.priority(1)]), code: .badRequest, detail: "no USERNAME attribute")
    }

    @Test func missingIntegrityGets400() throws {
        try expectRejected(try request([.username("aUfr:bUfr"), .priority(1)], key: nil),
                           code: .badRequest, detail: "no MESSAGE-INTEGRITY attribute")
    }

    @Test func missingPriorityGets400() throws {
        try expectRejected(try request([.username("aUfr:bUfr")]), code: .badRequest, detail: "no PRIORITY attribute")
    }

    @Test func badFingerprintIsDroppedSilently() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        var bytes = try request([.username("aUfr:bUfr"), .priority(1)])
        bytes[bytes.count - 1] ^= 0xFF
        do {
            try a.handleReceive(bytes, from: bAddr, now: at(ms: 0))
            Issue.record("expected a drop")
        } catch {
            guard case .badFingerprint(from: bAddr, .fingerprintMismatch) = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        #expect(a.pollTransmit() == nil)
    }

    @Test func useCandidateBeforeOurCheckSucceeds() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        try a.handleReceive(try request([.username("aUfr:bUfr"), .priority(1), .iceControlling(tieBreaker: 5), .useCandidate]),
                            from: bAddr, now: at(ms: 0))
        _ = try answer(&a)
        let check = try answer(&a)
        #expect(a.state == .checking)
        let ok = try STUNMessage(.successResponse, transactionID: check.transactionID, attributes: [.xorMappedAddress(aAddr)])
            .encode(integrityKey: Array(bCreds.password.utf8), fingerprint: true)
        try a.handleReceive(ok, from: bAddr, now: at(ms: 5))
        #expect(a.pollEvent() == .connected(bAddr))
        #expect(a.selectedRemote == bAddr)
    }

    @Test func useCandidateAfterOurCheckSucceeded() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        a.addRemoteCandidate(address: bAddr, priority: 2_130_706_431, foundation: "1")
        a.handleTimeout(now: at(ms: 0))
        let check = try answer(&a)
        let ok = try STUNMessage(.successResponse, transactionID: check.transactionID, attributes: [.xorMappedAddress(aAddr)])
            .encode(integrityKey: Array(bCreds.password.utf8), fingerprint: true)
        try a.handleReceive(ok, from: bAddr, now: at(ms: 5))
        #expect(a.pollEvent() == nil)
        #expect(a.state == .checking)
        try a.handleReceive(try request([.username("aUfr:bUfr"), .priority(1), .iceControlling(tieBreaker: 5), .useCandidate]),
                            from: bAddr, now: at(ms: 10))
        #expect(a.pollEvent() == .connected(bAddr))
        #expect(try answer(&a).messageClass == .successResponse)
    }
}

extension ICERequestTests {
    @Test func unknownComprehensionRequiredAttributeGets420() throws {
        var a = makeAgent(.controlled, local: aCreds, remote: bCreds, address: aAddr, tieBreaker: 1)
        let bytes = try request([.username("aUfr:bUfr"), .priority(1), .unknown(type: 0x0033, value: [1]),
                                 .unknown(type: 0xC057, value: [2])])
        #expect(throws: ICEError.requestRejected(from: bAddr, code: 420,
                                                 detail: "unknown comprehension-required attribute 0x33")) {
            try a.handleReceive(bytes, from: bAddr, now: at(ms: 0))
        }
        let response = try answer(&a)
        #expect(response.errorCode == .unknownAttribute)
        #expect(response.attributes.contains(.unknown(type: 0x000A, value: [0x00, 0x33])))
        try response.verifyIntegrity(key: Array(aCreds.password.utf8))
    }
}
