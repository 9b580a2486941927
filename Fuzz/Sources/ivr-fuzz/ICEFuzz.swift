import FuzzSupport
import ICE
import STUN
import Wire

/// STUN decoding and the ICE agent's receive path. Raw datagrams rarely get past MESSAGE-INTEGRITY, so most
/// operations forge packets the way a peer holding the credentials would: checks keyed with our ice-pwd, and
/// responses to the agent's own transactions keyed with the peer's, with fuzz-chosen attributes. The agent's
/// randomness is seeded, so every input replays exactly.
///
/// Input: a set-up byte (peer ice-lite, initial role, an IPv6 local address), a remote-candidate count, then
/// operations until the input runs out: a raw datagram, a forged check, a forged response to a check the
/// agent sent, a clock step, or a STUN decode/encode round trip.
///
/// Invariants: everything the agent sends decodes, carries a valid FINGERPRINT and, when it carries
/// MESSAGE-INTEGRITY, one keyed as RFC 8445 says (our checks with the peer's pwd, our responses with ours);
/// our checks name `remote:local` as USERNAME; `.connected` always has a selected address; a decoded message
/// re-encodes to one that decodes to the same attributes.
enum ICEFuzz {
    static let local = ICECredentials(ufrag: "locU", password: "localPassword0123456789")
    static let remote = ICECredentials(ufrag: "remU", password: "remotePassword012345678")
    static var localV4: TransportAddress { TransportAddress(ip: .v4([192, 0, 2, 1]), port: 40_000) }
    // Computed, not stored: LeakSanitizer cannot see a Swift enum payload's array through the tag bits
    // Swift keeps in the pointer, so a global holding one is reported as a leak.
    static var localV6: TransportAddress { TransportAddress(ip: .v6([0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]), port: 40_000) }
    static var peers: [TransportAddress] { [
        TransportAddress(ip: .v4([198, 51, 100, 7]), port: 3478),
        TransportAddress(ip: .v4([198, 51, 100, 8]), port: 50_000),
        TransportAddress(ip: .v4([203, 0, 113, 9]), port: 1),
        TransportAddress(ip: .v6([0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [9]), port: 3478),
    ] }

    static func run(_ bytes: [UInt8]) {
        var input = FuzzReader(bytes)
        let setup = input.byte()
        var now = Instant(nanoseconds: 1_000_000_000)
        var agent = ICEAgent(role: setup & 2 == 0 ? .controlling : .controlled, local: local, remote: remote,
                             remoteIsLite: setup & 1 != 0, localAddress: localV4, tieBreaker: 0x1234_5678_9ABC_DEF0,
                             now: now, random: SplitMix64(seed: UInt64(setup)))
        if setup & 4 != 0 { agent.addLocalAddress(localV6) }
        for i in 0..<Int(input.byte() % 4) {
            agent.addRemoteCandidate(address: peers[i], priority: input.u32(), foundation: "f\(i)")
        }
        var sent: [ICETransmit] = []
        agent.handleTimeout(now: now)
        drain(&agent, into: &sent)
        var steps = 0
        while !input.isAtEnd && steps < 64 {
            steps += 1
            switch input.byte() % 5 {
            case 0:
                try? agent.handleReceive(input.chunk(), from: input.pick(peers), now: now)
            case 1:
                if let check = forgedCheck(&input) { try? agent.handleReceive(check, from: input.pick(peers), now: now) }
            case 2:
                guard !sent.isEmpty else { continue }
                let request = sent[Int(input.byte()) % sent.count]
                let from = input.byte() & 0x80 == 0 ? request.destination : input.pick(peers)
                if let response = forgedResponse(to: request, &input) { try? agent.handleReceive(response, from: from, now: now) }
            case 3:
                now = now + .milliseconds(Int64(input.u16()))
                agent.handleTimeout(now: now)
            default:
                roundTrip(input.chunk())
            }
            drain(&agent, into: &sent)
            if sent.count > 16 { sent.removeFirst(sent.count - 16) }
        }
    }

    /// Moves the agent's output out and checks it.
    static func drain(_ agent: inout ICEAgent, into sent: inout [ICETransmit]) {
        while let t = agent.pollTransmit() {
            check(t)
            if (try? STUNMessage.decode(t.bytes))?.messageClass == .request { sent.append(t) }
        }
        while let event = agent.pollEvent() {
            if case .connected = event { require(agent.selectedRemote != nil, "connected without a selected address") }
        }
        if agent.state == .connected { require(agent.selectedRemote != nil, "state connected, no selected address") }
    }

    static func check(_ t: ICETransmit) {
        let m: STUNMessage
        do { m = try STUNMessage.decode(t.bytes) } catch {
            require(false, "the agent sent a datagram that does not decode: \(error)")
            return
        }
        do { try m.verifyFingerprint() } catch { require(false, "the agent sent a bad FINGERPRINT: \(error)") }
        guard m.messageIntegrity != nil else {
            require(m.messageClass == .errorResponse, "the agent sent a \(m.messageClass) without MESSAGE-INTEGRITY")
            return
        }
        let key = m.messageClass == .request ? remote.password : local.password
        do { try m.verifyIntegrity(key: Array(key.utf8)) } catch {
            require(false, "the agent's \(m.messageClass) is keyed wrongly: \(error)")
        }
        if m.messageClass == .request {
            require(m.username == "\(remote.ufrag):\(local.ufrag)", "check USERNAME is \(m.username ?? "missing")")
        }
    }

    /// A Binding request as the peer would send it, with attributes picked by the input.
    static func forgedCheck(_ input: inout FuzzReader) -> [UInt8]? {
        let flags = input.byte()
        var attributes: [STUNAttribute] = []
        switch flags & 3 {
        case 0: attributes.append(.username("\(local.ufrag):\(remote.ufrag)"))
        case 1: attributes.append(.username(String(decoding: input.chunk(), as: UTF8.self)))
        case 2: attributes.append(.username(local.ufrag))
        default: break
        }
        if flags & 4 != 0 { attributes.append(.priority(input.u32())) }
        if flags & 8 != 0 { attributes.append(.useCandidate) }
        if flags & 16 != 0 { attributes.append(.iceControlling(tieBreaker: input.u64())) }
        if flags & 32 != 0 { attributes.append(.iceControlled(tieBreaker: input.u64())) }
        if flags & 64 != 0 { attributes.append(.unknown(type: input.u16(), value: input.chunk())) }
        let message = STUNMessage(.request, transactionID: Array((input.take(12) + [UInt8](repeating: 0, count: 12)).prefix(12)),
                                  attributes: attributes)
        let signed = flags & 128 == 0
        return try? message.encode(integrityKey: signed ? Array(local.password.utf8) : nil, fingerprint: true)
    }

    /// A response to one of the agent's checks: success or an error code, keyed with the peer's pwd or not.
    static func forgedResponse(to request: ICETransmit, _ input: inout FuzzReader) -> [UInt8]? {
        guard let sent = try? STUNMessage.decode(request.bytes) else { return nil }
        let flags = input.byte()
        var attributes: [STUNAttribute] = []
        let success = flags & 1 == 0
        if success {
            attributes.append(.xorMappedAddress(flags & 2 == 0 ? request.source : input.pick(peers)))
        } else {
            attributes.append(.errorCode(STUNErrorCode(code: Int(input.u16() % 400) + 300, reason: "fuzz")))
        }
        if flags & 4 != 0 { attributes.append(.unknown(type: input.u16(), value: input.chunk())) }
        let response = STUNMessage(success ? .successResponse : .errorResponse, transactionID: sent.transactionID,
                                   attributes: attributes)
        let key = flags & 8 == 0 ? Array(remote.password.utf8) : (flags & 16 == 0 ? nil : Array(local.password.utf8))
        return try? response.encode(integrityKey: key, fingerprint: flags & 32 == 0)
    }

    /// A datagram that decodes re-encodes into one that decodes to the same message.
    static func roundTrip(_ bytes: [UInt8]) {
        guard let m = try? STUNMessage.decode(bytes) else { return }
        let plain = STUNMessage(m.messageClass, method: m.method, transactionID: m.transactionID, attributes: m.attributes)
        let encoded: [UInt8]
        do { encoded = try plain.encode() } catch {
            // Only a message too long for the 16-bit length once re-padded may refuse to encode.
            require(bytes.count > 0xFFFF - 64, "a decoded message does not re-encode: \(error)")
            return
        }
        do {
            let again = try STUNMessage.decode(encoded)
            require(again == plain, "re-encoded message decodes differently: \(m.attributes) vs \(again.attributes)")
        } catch {
            require(false, "re-encoded message does not decode: \(error)")
        }
    }
}
