import DTLS
import Media
import Testing
import Wire

/// Two whole calls behind one shared local address: our two sessions (controlling ICE, DTLS client, as
/// against WhatsApp) share one socket; the two callers' datagrams reach them only through the
/// demultiplexer. Both calls connect and carry audio, and neither sees the other's packets.
@Suite struct DemuxTwoCallsTests {
    struct Call {
        var ours: CallSession
        var caller: CallSession
        var callerAddress: TransportAddress
        var ourEvents: [MediaEvent] = []
        var callerEvents: [MediaEvent] = []
    }

    static func makeCall(index: Int, shared: TransportAddress, now: Instant) throws -> Call {
        let callerAddress = TransportAddress(host: "198.51.100.\(10 + index)", port: 3480)!
        let ourCert = try DTLSCertificate(), callerCert = try DTLSCertificate()
        let ufrag = "our\(index)", pwd = "our-password-\(index)-0123456789"
        let cUfrag = "cal\(index)", cPwd = "caller-password-\(index)-012345"
        var ours = SessionParameters(
            localUfrag: ufrag, localPwd: pwd, remoteUfrag: cUfrag, remotePwd: cPwd, remoteFingerprint: callerCert.fingerprint,
            remoteCandidates: [.init(address: callerAddress, priority: 2_130_706_431, foundation: "1")],
            remoteIsLite: false, opusPayloadType: 111, telephoneEventPayloadType: 126, cname: "ours-\(index)")
        ours.iceControlling = true
        var theirs = SessionParameters(
            localUfrag: cUfrag, localPwd: cPwd, remoteUfrag: ufrag, remotePwd: pwd, remoteFingerprint: ourCert.fingerprint,
            remoteCandidates: [.init(address: shared, priority: 2_130_706_431, foundation: "1")],
            remoteIsLite: false, opusPayloadType: 111, telephoneEventPayloadType: 126, cname: "caller-\(index)")
        theirs.iceControlling = false
        theirs.dtlsClient = false
        return Call(ours: try CallSession(parameters: ours, certificate: ourCert, localAddress: shared, now: now,
                                          unixNanoseconds: 0),
                    caller: try CallSession(parameters: theirs, certificate: callerCert, localAddress: callerAddress,
                                            now: now, unixNanoseconds: 0),
                    callerAddress: callerAddress)
    }

    @Test func twoCallsConnectAndCarryAudioThroughOneSharedAddress() throws {
        let shared = TransportAddress(host: "192.0.2.1", port: 40000)!
        var now = Instant(nanoseconds: 1_000_000_000)
        var calls = [try Self.makeCall(index: 1, shared: shared, now: now), try Self.makeCall(index: 2, shared: shared, now: now)]
        var demux = SharedPortDemultiplexer<Int>()
        for (i, call) in calls.enumerated() {
            try demux.add(i, ufrag: call.ours.parameters.localUfrag, password: call.ours.parameters.localPwd,
                          remoteCandidates: [call.callerAddress])
        }
        var misdelivered = 0
        func connected(_ events: [MediaEvent]) -> Bool {
            events.contains { if case .connected = $0 { return true } else { return false } }
        }
        var played = false
        for _ in 0..<4000 {
            var moved = false
            for i in calls.indices {
                while let t = calls[i].ours.pollTransmit() {
                    demux.sent(t.bytes, to: t.destination, by: i, now: now)
                    guard let target = calls.firstIndex(where: { $0.callerAddress == t.destination }) else { continue }
                    if target != i { misdelivered += 1 }
                    calls[target].caller.handleDatagram(t.bytes, from: shared, now: now)
                    moved = true
                }
                while let t = calls[i].caller.pollTransmit() {
                    #expect(t.destination == shared)
                    guard case let .session(id, via) = demux.route(t.bytes, from: calls[i].callerAddress, now: now) else {
                        continue
                    }
                    if id != i { misdelivered += 1 }
                    calls[id].ours.handleDatagram(t.bytes, from: calls[i].callerAddress, now: now)
                    if via != .address, calls[id].ours.isValidatedRemote(calls[i].callerAddress) {
                        demux.validated(calls[i].callerAddress, by: id)
                    }
                    moved = true
                }
                while let e = calls[i].ours.pollEvent() { calls[i].ourEvents.append(e) }
                while let e = calls[i].caller.pollEvent() { calls[i].callerEvents.append(e) }
            }
            if !played, calls.allSatisfy({ connected($0.ourEvents) && connected($0.callerEvents) }) {
                played = true
                for i in calls.indices { calls[i].caller.play(frames: Array(repeating: [0xF8, 0xFF, 0xFE, UInt8(i)], count: 5)) }
            }
            if moved { continue }
            let deadlines = calls.flatMap { [$0.ours.nextDeadline(), $0.caller.nextDeadline()] }.compactMap { $0 }
            guard let next = deadlines.min() else { break }
            if next > now { now = next }
            if now > Instant(nanoseconds: 4_000_000_000) { break }
            for i in calls.indices {
                calls[i].ours.handleTimeout(now: now)
                calls[i].caller.handleTimeout(now: now)
            }
        }
        #expect(played, "both calls connected through the shared address")
        #expect(misdelivered == 0)
        for (i, call) in calls.enumerated() {
            let payloads = call.ourEvents.compactMap { e -> [UInt8]? in
                if case let .audio(p, _, _, _) = e { return p } else { return nil }
            }
            #expect(payloads.contains([0xF8, 0xFF, 0xFE, UInt8(i)]), "call \(i) received its own caller's audio")
            #expect(!payloads.contains([0xF8, 0xFF, 0xFE, UInt8(1 - i)]), "and never the other caller's")
            #expect(call.ours.counters.dropped == 0)
        }
        #expect(demux.counters.byCheck + demux.counters.byResponse > 0 && demux.counters.byAddress > 0)
        #expect(demux.counters.dropped == 0)
    }
}
