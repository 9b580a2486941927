import DTLS
import Media
import Wire

/// Two sessions connected in memory (as in Tests/MediaTests), for throughput measurements.
final class BenchPair {
    static let certA = try? DTLSCertificate()
    static let certB = try? DTLSCertificate()
    let a: CallSession
    let b: CallSession
    let aAddress = TransportAddress(ip: .v4([10, 0, 0, 1]), port: 40000)
    let bAddress = TransportAddress(ip: .v4([10, 0, 0, 2]), port: 50000)
    var now = Instant(nanoseconds: 1_000_000_000)

    struct Failure: Error, CustomStringConvertible { var description: String }

    init() throws {
        guard let certA = Self.certA, let certB = Self.certB else { throw Failure(description: "no certificates") }
        var pa = SessionParameters(localUfrag: "aUfr", localPwd: "aPasswordaPassword1234", remoteUfrag: "bUfr",
                                   remotePwd: "bPasswordbPassword5678", remoteFingerprint: certB.fingerprint,
                                   remoteCandidates: [.init(address: bAddress, priority: 2_130_706_431, foundation: "1")],
                                   remoteIsLite: false, opusPayloadType: 111, telephoneEventPayloadType: 126, cname: "a")
        pa.iceControlling = true
        var pb = SessionParameters(localUfrag: "bUfr", localPwd: "bPasswordbPassword5678", remoteUfrag: "aUfr",
                                   remotePwd: "aPasswordaPassword1234", remoteFingerprint: certA.fingerprint,
                                   remoteCandidates: [.init(address: aAddress, priority: 2_130_706_431, foundation: "1")],
                                   remoteIsLite: false, opusPayloadType: 111, telephoneEventPayloadType: 126, cname: "b")
        pb.iceControlling = false
        pb.dtlsClient = false
        a = try CallSession(parameters: pa, certificate: certA, localAddress: aAddress, now: now, unixNanoseconds: 0)
        b = try CallSession(parameters: pb, certificate: certB, localAddress: bAddress, now: now, unixNanoseconds: 0)
    }

    func connect() throws {
        for _ in 0..<10_000 {
            if a.state == .connected && b.state == .connected { return }
            var moved = false
            while let t = a.pollTransmit() { b.handleDatagram(t.bytes, from: aAddress, now: now); moved = true }
            while let t = b.pollTransmit() { a.handleDatagram(t.bytes, from: bAddress, now: now); moved = true }
            while a.pollEvent() != nil {}
            while b.pollEvent() != nil {}
            if moved { continue }
            guard let next = [a.nextDeadline(), b.nextDeadline()].compactMap({ $0 }).min() else { break }
            now = max(now, next)
            a.handleTimeout(now: now)
            b.handleTimeout(now: now)
        }
        if !(a.state == .connected && b.state == .connected) { throw Failure(description: "sessions did not connect") }
    }
}
