import Audio
import Media
import NIOCore
import RTP
import SRTP
import Wire

/// Fixed, deterministic packet-path scenarios for `valgrind --tool=callgrind` (driven by
/// `Benchmarks/callgrind/run_callgrind.py`). Each sets up the same state whatever `packets` is, then
/// runs `packets` packets through the measured loop (`callgrindMeasured…`, never inlined, so callgrind
/// can collect only inside it with `--toggle-collect`). A run with 0 packets is the baseline: the
/// script takes (Ir(N) − Ir(0)) / N as the cost per packet, and the toggled run for the profile.
///
/// - `recv`: what the shared socket's handler does per datagram: the bytes out of NIO's ByteBuffer,
///   the demultiplexer, the session (SRTP unprotect, RTP parse, statistics, audio event), the event out.
/// - `recv-decode`: `recv` plus the jitter buffer and the Opus decoder at 16 kHz (a menu listens).
/// - `send`: the 20 ms pacing tick of one call: prompt frame → RTP → SRTP protect → the transmit,
///   copied into a ByteBuffer as the handler writes it (the `sendmmsg` itself is not in process).
/// - `recv-crowd`: `recv` while 250 other connected calls (1,000 SRTP contexts) stay alive.
/// - `srtp-cm`, `srtp-gcm`: SRTP alone, one packet protected and unprotected (AES-CM-SHA1-80 or AEAD-GCM).
/// - `srtp-gcm-1000`: `srtp-gcm` while the SRTP sessions of 1,000 other calls (an outbound and an inbound
///   session each, each past its first packet) stay alive.
enum CallgrindScenario {
    /// Packets prepared in setup: the largest N a run may ask for.
    static let prepared = 1_000

    static func run(_ name: String, packets: Int) throws -> Int {
        let n = min(max(0, packets), prepared)
        switch name {
        case "recv": return try receive(packets: n, decode: false)
        case "recv-decode": return try receive(packets: n, decode: true)
        case "send": return try send(packets: n)
        case "recv-crowd": return try receive(packets: n, decode: false, otherCalls: 250)
        case "srtp-cm": return try srtp(.aes128CmSha1_80, packets: n)
        case "srtp-gcm": return try srtp(.aeadAes128Gcm, packets: n)
        case "srtp-gcm-1000": return try srtp(.aeadAes128Gcm, packets: n, otherCalls: 1_000)
        default:
            throw BenchPair.Failure(description: "unknown scenario \(name) (recv, recv-decode, send, srtp-cm, srtp-gcm, srtp-gcm-1000)")
        }
    }

    /// Real Opus frames of a tone, as a caller's microphone sends them.
    static func opusFrames(_ count: Int) throws -> [[UInt8]] {
        var tone = ToneGenerator(frequency: 300)
        let encoder = try OpusEncoder()
        return try (0..<count).map { _ in try encoder.encode(tone.nextFrame()) }
    }

    /// Connects a pair, has A send `prepared` SRTP packets of real Opus, and returns them (B took
    /// A's consent checks and RTCP, so B is in the state it has mid-call).
    static func capture(_ pair: BenchPair) throws -> (packets: [ByteBuffer], now: Instant) {
        try pair.connect()
        pair.a.play(frames: try opusFrames(prepared))
        let allocator = ByteBufferAllocator()
        var packets: [ByteBuffer] = []
        var t = pair.now
        while packets.count < prepared, pair.a.state == .connected {
            t = t + .milliseconds(20)
            pair.a.handleTimeout(now: t)
            while let x = pair.a.pollTransmit() {
                if PacketClass.classify(x.bytes) == .rtp { packets.append(allocator.buffer(bytes: x.bytes)) } else {
                    pair.b.handleDatagram(x.bytes, from: pair.aAddress, now: t)
                }
            }
            while let x = pair.b.pollTransmit() {
                if PacketClass.classify(x.bytes) != .rtp { pair.a.handleDatagram(x.bytes, from: pair.bAddress, now: t) }
            }
            while pair.b.pollEvent() != nil {}
        }
        guard packets.count == prepared else { throw BenchPair.Failure(description: "sender stopped early") }
        return (packets, t)
    }

    /// `otherCalls` connected pairs stay alive meanwhile (`recv-crowd`: 250 calls, 1,000 SRTP contexts),
    /// to show what grows with the number of calls.
    static func receive(packets: Int, decode: Bool, otherCalls: Int = 0) throws -> Int {
        let crowd = try (0..<otherCalls).map { _ in try BenchPair() }
        for p in crowd { try p.connect() }
        defer { withExtendedLifetime(crowd) {} }
        let pair = try BenchPair()
        let (captured, start) = try capture(pair)
        var demux = SharedPortDemultiplexer<Int>()
        try demux.add(1, ufrag: "bUfr", password: "bPasswordbPassword5678", remoteCandidates: [pair.aAddress])
        demux.validated(pair.aAddress, by: 1)
        let decoder = try CallerAudioDecoder(sampleRate: 16_000)
        return callgrindMeasuredReceive(captured.prefix(packets), session: pair.b, demux: &demux, source: pair.aAddress,
                                        decoder: decode ? decoder : nil, start: start)
    }

    @inline(never)
    static func callgrindMeasuredReceive(_ packets: ArraySlice<ByteBuffer>, session: CallSession,
                                         demux: inout SharedPortDemultiplexer<Int>, source: TransportAddress,
                                         decoder: CallerAudioDecoder?, start: Instant) -> Int {
        var now = start
        var out = 0
        for buffer in packets {
            now = now + .milliseconds(20)
            // As SharedMediaSocket.Handler.channelRead does it.
            if demux.routeValidated(from: source) != nil {
                buffer.withUnsafeReadableBytes { session.handleDatagram($0, from: source, now: now) }
            } else {
                let bytes = Array(buffer: buffer)
                guard case .session = demux.route(bytes, from: source, now: now) else { continue }
                session.handleDatagram(bytes, from: source, now: now)
            }
            // As SessionSlot.drain does after every packet: the tick compares this stored deadline.
            callgrindKeep(session.nextDeadline())
            while let event = session.pollEvent() {
                guard case let .audio(payload, ts, seq, _) = event else { continue }
                out += 1
                if let decoder {
                    decoder.insert(payload: payload, rtpTimestamp: ts, sequence: seq, arrival: now)
                    out += decoder.pull(now: now).count
                }
            }
        }
        return out
    }

    static func send(packets: Int) throws -> Int {
        let pair = try BenchPair()
        try pair.connect()
        pair.a.play(frames: try opusFrames(prepared))
        return callgrindMeasuredSend(ticks: packets, session: pair.a, start: pair.now)
    }

    @inline(never)
    static func callgrindMeasuredSend(ticks: Int, session: CallSession, start: Instant) -> Int {
        let allocator = ByteBufferAllocator()
        var now = start
        var out = 0
        for _ in 0..<ticks {
            now = now + .milliseconds(20)
            session.handleTimeout(now: now)
            while let t = session.pollTransmit() {
                let buffer = allocator.buffer(bytes: t.bytes)
                out += buffer.readableBytes > 0 ? 1 : 0
            }
            while session.pollEvent() != nil {}
            callgrindKeep(session.nextDeadline())
        }
        return out
    }

    /// Keeps a value the measured loop computes only for its cost from being optimised away.
    @inline(never)
    static func callgrindKeep<T>(_ value: T) { withExtendedLifetime(value) {} }
}

extension CallgrindScenario {
    /// `srtp-cm` / `srtp-gcm`: one 20 ms Opus packet (12-byte header, 80-byte payload) protected by one
    /// session and unprotected by another, in place in reused buffers as the call path does it.
    static func srtp(_ profile: SRTPProfile, packets: Int, otherCalls: Int = 0) throws -> Int {
        let others = try liveSRTPCalls(profile, count: otherCalls)
        let (sender, receiver) = try srtpPair(profile)
        let total = try callgrindMeasuredSRTP(packets: packets, sender: sender, receiver: receiver, payload: srtpPayload)
        return withExtendedLifetime(others) { total }
    }

    /// The 80-byte Opus payload of the SRTP scenarios.
    static let srtpPayload = [UInt8](repeating: 0x55, count: 80)

    /// An outbound and an inbound session with the same fixed key.
    static func srtpPair(_ profile: SRTPProfile) throws -> (sender: SRTPSession, receiver: SRTPSession) {
        let key = [UInt8](repeating: 1, count: profile.keyLength), salt = [UInt8](repeating: 2, count: profile.saltLength)
        return (try SRTPSession(profile: profile, key: key, salt: salt, direction: .outbound),
                try SRTPSession(profile: profile, key: key, salt: salt, direction: .inbound))
    }

    /// The SRTP sessions of `count` calls (an outbound and an inbound session each), each past its first
    /// packet, as a daemon holds them mid-call.
    static func liveSRTPCalls(_ profile: SRTPProfile, count: Int) throws -> [(sender: SRTPSession, receiver: SRTPSession)] {
        var buffer: [UInt8] = []
        return try (0..<count).map { _ in
            let pair = try srtpPair(profile)
            _ = try srtpRoundTrip(0, sender: pair.sender, receiver: pair.receiver, payload: srtpPayload, buffer: &buffer)
            return pair
        }
    }

    @inline(never)
    static func callgrindMeasuredSRTP(packets: Int, sender: SRTPSession, receiver: SRTPSession,
                                      payload: [UInt8]) throws -> Int {
        var total = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1500)
        for i in 0..<packets {
            total &+= try srtpRoundTrip(i, sender: sender, receiver: receiver, payload: payload, buffer: &buffer)
        }
        return total
    }

    /// Packet `i` (sequence i, timestamp 960·i) protected by `sender` and unprotected by `receiver`.
    static func srtpRoundTrip(_ i: Int, sender: SRTPSession, receiver: SRTPSession, payload: [UInt8],
                              buffer: inout [UInt8]) throws -> Int {
        buffer.removeAll(keepingCapacity: true)
        let seq = UInt16(truncatingIfNeeded: i), ts = UInt32(truncatingIfNeeded: i &* 960)
        buffer.append(0x80)
        buffer.append(111)
        buffer.append(UInt8(truncatingIfNeeded: seq >> 8))
        buffer.append(UInt8(truncatingIfNeeded: seq))
        for shift in stride(from: 24, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: ts >> UInt32(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: UInt32(0xCAFE) >> UInt32(shift))) }
        buffer.append(contentsOf: payload)
        try sender.protectRTP(inPlace: &buffer)
        try receiver.unprotectRTP(inPlace: &buffer)
        return buffer.count
    }
}
