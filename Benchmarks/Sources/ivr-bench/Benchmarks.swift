import DTLS
import Flow
import Foundation
import Hashing
import Media
import RTP
import SDP
import SRTP
import STUN
import WhatsApp
import Wire

/// The benchmarks: each returns its results; `main` writes them to Benchmarks/results/.
enum Suites {
    static func webhook(root: URL) throws -> [BenchResult] {
        let body = Array(try Data(contentsOf: root.appendingPathComponent("Tests/WhatsAppTests/Fixtures/connect.json")))
        let secret = "bench-secret"
        let header = WebhookSignature.sign(body: body, secret: secret)
        return [
            Bench.measure("webhook: verify X-Hub-Signature-256 (\(body.count) B body)", iterations: 20_000) { _ in
                (try? WebhookSignature.verify(body: body, header: header, secret: secret)) == nil ? 0 : 1
            },
            try Bench.measure("webhook: decode connect JSON into typed events", iterations: 5_000) { _ in
                try WebhookDecoder.decode(body).count
            },
        ]
    }

    static func sdp(root: URL) throws -> [BenchResult] {
        let offer = try String(contentsOf: root.appendingPathComponent("Tests/SDPTests/Fixtures/whatsapp-offer.sdp"), encoding: .utf8)
        let fingerprint = [UInt8](repeating: 0xAB, count: 32)
        return [
            try Bench.measure("sdp: parse WhatsApp offer + negotiate + build answer", iterations: 5_000) { _ in
                let d = try SessionDescription(parsing: offer)
                let n = try AudioNegotiation(offer: d)
                return try AnswerBuilder.answerText(to: d, negotiation: n, parameters: AnswerParameters(
                    iceUfrag: "abcd", icePwd: "abcdefghijklmnopqrstuv", fingerprint: fingerprint, address: "203.0.113.5",
                    port: 40000, sessionID: 1)).utf8.count
            },
        ]
    }

    static func stun() throws -> [BenchResult] {
        let key = Array("c2W9vVq0mJfk1rLzT8yHn4Ae".utf8)
        let message = STUNMessage(.request, transactionID: Array(repeating: 7, count: 12), attributes: [
            .username("Qx7p:abcd"), .priority(1_845_501_695), .iceControlling(tieBreaker: 0x1234_5678_9ABC_DEF0), .useCandidate,
        ])
        let bytes = try message.encode(integrityKey: key, fingerprint: true)
        return [
            try Bench.measure("stun: encode binding request (integrity + fingerprint)", iterations: 50_000) { _ in
                try message.encode(integrityKey: key, fingerprint: true).count
            },
            try Bench.measure("stun: decode + verify integrity and fingerprint", iterations: 50_000) { _ in
                let m = try STUNMessage.decode(bytes)
                try m.verifyIntegrity(key: key)
                try m.verifyFingerprint()
                return m.attributes.count
            },
        ]
    }

    static func srtp() throws -> [BenchResult] {
        var out: [BenchResult] = []
        for profile in SRTPProfile.allCases {
            let key = [UInt8](repeating: 1, count: profile.keyLength), salt = [UInt8](repeating: 2, count: profile.saltLength)
            let sender = try SRTPSession(profile: profile, key: key, salt: salt, direction: .outbound)
            let n = 50_000
            var packets: [[UInt8]] = []
            packets.reserveCapacity(n)
            out.append(try Bench.measureBatch("srtp: protect one 20 ms Opus RTP packet (\(profile.rawValue))", items: n) {
                for i in 0..<n {
                    let rtp = try RTPPacket(payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: i),
                                            timestamp: UInt32(i * 960), ssrc: 0xCAFE, payload: [UInt8](repeating: 0x55, count: 80)).serialize()
                    packets.append(try sender.protectRTP(rtp))
                }
                return packets.count
            })
            let receiver = try SRTPSession(profile: profile, key: key, salt: salt, direction: .inbound)
            out.append(try Bench.measureBatch("srtp: unprotect one packet (\(profile.rawValue))", items: n) {
                var total = 0
                for p in packets { total &+= try receiver.unprotectRTP(p).count }
                return total
            })
        }
        // Per-packet cost with many calls alive: NSS's session tables are walked per packet (Benchmarks/README).
        for calls in [0, 250, 1_000] {
            let profile = SRTPProfile.aeadAes128Gcm
            let others = try CallgrindScenario.liveSRTPCalls(profile, count: calls)
            let (sender, receiver) = try CallgrindScenario.srtpPair(profile)
            let payload = CallgrindScenario.srtpPayload
            let n = 20_000
            out.append(try Bench.measureBatch("srtp: protect + unprotect one packet, \(calls) other calls alive (\(profile.rawValue))",
                                              items: n) {
                var buffer: [UInt8] = []
                var total = 0
                for i in 0..<n {
                    total &+= try CallgrindScenario.srtpRoundTrip(i, sender: sender, receiver: receiver, payload: payload, buffer: &buffer)
                }
                return withExtendedLifetime(others) { total }
            })
        }
        return out
    }

    static func dtls() throws -> [BenchResult] {
        let a = try DTLSCertificate(), b = try DTLSCertificate()
        return [
            try Bench.measure("dtls: full DTLS 1.2 handshake in memory (both sides, ECDSA P-256, SRTP export)",
                              iterations: 200, warmup: 10) { _ in
                let now = Instant(nanoseconds: 1_000_000_000)
                let client = try DTLSEndpoint(role: .client, certificate: a, remoteFingerprint: b.fingerprint)
                let server = try DTLSEndpoint(role: .server, certificate: b, remoteFingerprint: a.fingerprint)
                server.start(now: now)
                client.start(now: now)
                var moved = true
                while moved {
                    moved = false
                    while let d = client.pollTransmit() { server.handleDatagram(d, now: now); moved = true }
                    while let d = server.pollTransmit() { client.handleDatagram(d, now: now); moved = true }
                }
                return client.state == .connected && server.state == .connected ? 1 : 0
            },
            try Bench.measure("dtls: certificate generation (ECDSA P-256, once per process)", iterations: 50, warmup: 2) { _ in
                try DTLSCertificate().der.count
            },
        ]
    }

    static func session() throws -> [BenchResult] {
        let pair = try BenchPair()
        try pair.connect()
        // Packets A sends over 200 s of (manual) time: SRTP-protected RTP.
        let frames = 10_000
        pair.a.play(frames: Array(repeating: [UInt8](repeating: 0x5A, count: 60), count: frames))
        var packets: [[UInt8]] = []
        var t = pair.now
        while packets.count < frames, pair.a.state == .connected {
            t = t + .milliseconds(20)
            pair.a.handleTimeout(now: t)
            pair.b.handleTimeout(now: t)
            while let x = pair.a.pollTransmit() {
                // RTP is kept for the measurement; STUN (consent) and RTCP reach B so consent holds.
                if PacketClass.classify(x.bytes) == .rtp { packets.append(x.bytes) } else {
                    pair.b.handleDatagram(x.bytes, from: pair.aAddress, now: t)
                }
            }
            while let x = pair.b.pollTransmit() {
                if PacketClass.classify(x.bytes) != .rtp { pair.a.handleDatagram(x.bytes, from: pair.bAddress, now: t) }
            }
            while pair.b.pollEvent() != nil {}
        }
        let result = Bench.measureBatch("session: demux → SRTP unprotect → RTP parse → event (per packet)", items: packets.count) {
            var events = 0
            for p in packets {
                pair.b.handleDatagram(p, from: pair.aAddress, now: t)
                while pair.b.pollEvent() != nil { events += 1 }
            }
            return events
        }
        let calls = 200
        let senders = try (0..<calls).map { _ in try BenchPair() }
        for s in senders { try s.connect() }
        let paced = Bench.measureBatch("session: 20 ms tick over 200 connected calls (pacing + SRTP protect), per call-tick",
                                       items: calls * 50) {
            var sent = 0
            var now = senders[0].now
            for _ in 0..<50 {
                now = now + .milliseconds(20)
                for s in senders {
                    s.a.handleTimeout(now: max(now, s.now))
                    while s.a.pollTransmit() != nil { sent += 1 }
                    while s.a.pollEvent() != nil {}
                }
            }
            return sent
        }
        return [result, paced]
    }

    static func flow(root: URL) throws -> [BenchResult] {
        let (loaded, _) = FlowLoader.load(path: root.appendingPathComponent("Flows/main.yaml").path,
                                          promptsDirectory: root.appendingPathComponent("Prompts").path)
        guard let main = loaded else { return [] }
        return [
            Bench.measure("flow: simulate main.yaml (say sales, wait 10 s) end to end", iterations: 2_000) { _ in
                FlowSimulator(flow: main).run([.say("sales", confidence: 1), .wait(.seconds(10))]).transcript.count
            },
            Bench.measure("flow: load + validate main.yaml", iterations: 500) { _ in
                FlowLoader.load(path: root.appendingPathComponent("Flows/main.yaml").path,
                                promptsDirectory: root.appendingPathComponent("Prompts").path).diagnostics.count
            },
        ]
    }
}
