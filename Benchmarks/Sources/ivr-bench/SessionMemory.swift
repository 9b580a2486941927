import Foundation
import Media
import Wire

/// `ivr-bench memory <pairs>`: the heap one connected media session holds mid-call, in process and
/// sans-IO, so a change to what a session keeps (DTLS, SRTP, ICE, the sender's queue) shows as bytes
/// rather than in the daemon's RSS, which a call's transient work also moves. Each pair is connected, has sent and received 50 packets
/// of a prompt (so SRTP and RTCP state exist as they do mid-call), and is kept alive while the heap
/// is read (RSS; run it under `heaptrack` for where the bytes go). Prints one line; writes no result files.
enum SessionMemory {
    static func run(pairs count: Int) throws -> Double {
        let n = max(1, count)
        let frames = try CallgrindScenario.opusFrames(50)
        // Certificates and the Opus encoder exist before the first reading.
        _ = try BenchPair()
        let rssBefore = Scale.rssKiB()
        var pairs: [BenchPair] = []
        pairs.reserveCapacity(n)
        for _ in 0..<n {
            let pair = try BenchPair()
            try pair.connect()
            pair.a.play(frames: frames)
            var now = pair.now
            for _ in 0..<frames.count {
                now = now + .milliseconds(20)
                pair.a.handleTimeout(now: now)
                while let t = pair.a.pollTransmit() { pair.b.handleDatagram(t.bytes, from: pair.aAddress, now: now) }
                pair.b.handleTimeout(now: now)
                while let t = pair.b.pollTransmit() { pair.a.handleDatagram(t.bytes, from: pair.bAddress, now: now) }
                while pair.a.pollEvent() != nil {}
                while pair.b.pollEvent() != nil {}
            }
            pairs.append(pair)
        }
        let perSession = Double(Scale.rssKiB() - rssBefore) / Double(2 * n)
        withExtendedLifetime(pairs) {}
        return perSession
    }
}
