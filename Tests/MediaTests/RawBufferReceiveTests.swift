import Media
import RTP
import Testing
import Wire

/// The shared socket hands RTP to the session straight from NIO's receive buffer
/// (`handleDatagram(_: UnsafeRawBufferPointer, …)`): the caller's audio arrives exactly as through the
/// array entry, a damaged packet is dropped and counted, and STUN/DTLS still take the array path.
@Suite struct RawBufferReceiveTests {
    @Test func rtpFromARawBufferArrivesAsFromAnArray() throws {
        let pair = try SessionPair()
        #expect(pair.run(until: { pair.bothConnected }))
        let frames: [[UInt8]] = (0..<6).map { i in [0xF8] + Array(repeating: UInt8(i), count: 40) }
        pair.a.play(frames: frames)
        var sent: [[UInt8]] = []
        var t = pair.now
        while sent.count < frames.count {
            t = t + .milliseconds(20)
            pair.a.handleTimeout(now: t)
            while let x = pair.a.pollTransmit() {
                if PacketClass.classify(x.bytes) == .rtp { sent.append(x.bytes) }
            }
        }
        for (i, packet) in sent.enumerated() {
            if i % 2 == 0 {
                packet.withUnsafeBytes { pair.b.handleDatagram($0, from: pair.aAddress, now: t) }
            } else {
                pair.b.handleDatagram(packet, from: pair.aAddress, now: t)
            }
        }
        var damaged = sent[0]
        damaged[damaged.count - 1] ^= 0x01
        let dropped = pair.b.counters.dropped
        damaged.withUnsafeBytes { pair.b.handleDatagram($0, from: pair.aAddress, now: t) }
        #expect(pair.b.counters.dropped == dropped + 1)
        var payloads: [[UInt8]] = []
        while let e = pair.b.pollEvent() {
            if case let .audio(payload, _, _, _) = e { payloads.append(payload) }
        }
        #expect(payloads == frames)
        #expect(pair.b.counters.rtpReceived == frames.count)
    }
}
