import DTLS
import Foundation
import Media
import Wire

/// Two call sessions wired to each other in memory, driven by a manual clock: A is the
/// controlling ICE agent and DTLS client (as we are against WhatsApp), B the controlled agent
/// and DTLS server. Datagrams can be dropped or reordered on the way.
final class SessionPair {
    let a: CallSession
    let b: CallSession
    let aAddress = TransportAddress(host: "10.0.0.1", port: 40000)!
    let bAddress = TransportAddress(host: "10.0.0.2", port: 50000)!
    var now = Instant(nanoseconds: 1_000_000_000)
    var aEvents: [MediaEvent] = []
    var bEvents: [MediaEvent] = []
    /// Return false to drop a datagram sent by A (true) or B (false).
    var deliver: (_ fromA: Bool, _ bytes: [UInt8]) -> Bool = { _, _ in true }
    /// Reorder each batch of datagrams in flight (e.g. reverse DTLS flights).
    var reorder: ([[UInt8]]) -> [[UInt8]] = { $0 }

    init(config: SessionConfig = SessionConfig()) throws {
        let certA = try DTLSCertificate(), certB = try DTLSCertificate()
        let pa = SessionParameters(
            localUfrag: "aUfr", localPwd: "aPasswordaPassword1234", remoteUfrag: "bUfr", remotePwd: "bPasswordbPassword5678",
            remoteFingerprint: certB.fingerprint,
            remoteCandidates: [.init(address: bAddress, priority: 2_130_706_431, foundation: "1")],
            remoteIsLite: false, opusPayloadType: 111, telephoneEventPayloadType: 126, cname: "a-cname")
        var pb = SessionParameters(
            localUfrag: "bUfr", localPwd: "bPasswordbPassword5678", remoteUfrag: "aUfr", remotePwd: "aPasswordaPassword1234",
            remoteFingerprint: certA.fingerprint,
            remoteCandidates: [.init(address: aAddress, priority: 2_130_706_431, foundation: "1")],
            remoteIsLite: false, opusPayloadType: 111, telephoneEventPayloadType: 126, cname: "b-cname")
        var paControlling = pa
        paControlling.iceControlling = true
        pb.iceControlling = false
        pb.dtlsClient = false
        let random: @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
        a = try CallSession(parameters: paControlling, certificate: certA, localAddress: aAddress, now: now,
                            unixNanoseconds: 1_764_070_000_000_000_000, config: config, random: random)
        b = try CallSession(parameters: pb, certificate: certB, localAddress: bAddress, now: now,
                            unixNanoseconds: 1_764_070_000_000_000_000, config: config, random: random)
    }

    /// Moves datagrams both ways and advances the manual clock to the next deadline, `steps` times
    /// or until `until` holds.
    @discardableResult
    func run(steps: Int = 2000, realTimeStall: Duration? = nil, until: () -> Bool = { false }) -> Bool {
        for _ in 0..<steps {
            if until() { return true }
            var moved = false
            var fromA: [[UInt8]] = [], fromB: [[UInt8]] = []
            while let t = a.pollTransmit() { if deliver(true, t.bytes) { fromA.append(t.bytes) } }
            while let t = b.pollTransmit() { if deliver(false, t.bytes) { fromB.append(t.bytes) } }
            for bytes in reorder(fromA) { b.handleDatagram(bytes, from: aAddress, now: now); moved = true }
            for bytes in reorder(fromB) { a.handleDatagram(bytes, from: bAddress, now: now); moved = true }
            while let e = a.pollEvent() { aEvents.append(e) }
            while let e = b.pollEvent() { bEvents.append(e) }
            if moved { continue }
            guard let next = [a.nextDeadline(), b.nextDeadline()].compactMap({ $0 }).min() else { return until() }
            if next > now {
                if let stall = realTimeStall, next - now >= stall {
                    // OpenSSL times DTLS retransmission by its own clock: let real time pass too.
                    Thread.sleep(forTimeInterval: (next - now).seconds)
                }
                now = next
            }
            a.handleTimeout(now: now)
            b.handleTimeout(now: now)
        }
        return until()
    }

    var bothConnected: Bool {
        aEvents.contains { if case .connected = $0 { return true } else { return false } }
            && bEvents.contains { if case .connected = $0 { return true } else { return false } }
    }

    func audio(_ events: [MediaEvent]) -> [(payload: [UInt8], timestamp: UInt32, sequence: UInt16, marker: Bool)] {
        events.compactMap {
            if case let .audio(p, ts, seq, m) = $0 { return (p, ts, seq, m) }
            return nil
        }
    }
}
