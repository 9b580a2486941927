import DTLS
import DTMF
import Media
import Wire

/// What one caller saw of the server's audio stream.
struct CallerStats: Sendable {
    /// When the first RTP audio packet arrived.
    var firstAudioAt: Instant?
    var received = 0
    var lost = 0
    /// |arrival gap − sequence gap × 20 ms| between packets arriving in order.
    var intervalError = LatenessHistogram()
    var dropped = 0
    /// Consecutive in-order packets whose RTP timestamps did not advance by 960 per sequence number
    /// (a discontinuity in the 48 kHz clock the server stamps its 20 ms frames with).
    var timestampJumps = 0
    /// First and latest in-order arrival with its (unwrapped) RTP timestamp: the drift of the server's
    /// media clock against ours is (arrival span) − (timestamp span ÷ 48 kHz).
    var firstStamp: (arrival: Instant, timestamp: Int64)?
    var lastStamp: (arrival: Instant, timestamp: Int64)?

    /// How far the server's RTP clock fell behind (positive) or ran ahead of real time over the call.
    var drift: Duration? {
        guard let first = firstStamp, let last = lastStamp, last.arrival > first.arrival else { return nil }
        let media = Duration.nanoseconds((last.timestamp - first.timestamp) * 1_000_000_000 / 48_000)
        return (last.arrival - first.arrival) - media
    }
}

/// The caller's side of one call, as WhatsApp's media server would run it: our own sans-IO
/// session (started once the answer is known), plus what the benchmark observes on the way in
/// (arrival times and sequence numbers of the server's RTP, read from the clear RTP header) and a
/// scripted key press sent as RFC 4733 packets.
final class CallerSession: DatagramSession {
    let local: TransportAddress
    private var inner: CallSession?
    private(set) var stats = CallerStats()
    private var lastArrival: Instant?
    private var highestSequence: Int64?
    private var firstSequence: Int64 = 0
    private var pending: [(due: Instant, payload: [UInt8], marker: Bool, timestamp: UInt32)] = []
    private let voice: [[UInt8]]
    private var talking = false
    private let frameInterval: Duration = .milliseconds(20)

    init(local: TransportAddress, voice: [[UInt8]]) {
        self.local = local
        self.voice = voice
    }

    func start(parameters: SessionParameters, certificate: DTLSCertificate, now: Instant) throws {
        inner = try CallSession(parameters: parameters, certificate: certificate, localAddress: local, now: now,
                                unixNanoseconds: 0)
    }

    /// Presses `digit` now for `duration`, as RFC 4733 packets on the telephone-event payload type.
    func press(_ digit: Character, duration: Duration, now: Instant) throws {
        guard let inner else { return }
        let packets = try TelephoneEventSender().packets(digit: digit, duration: duration,
                                                         rtpTimestamp: inner.nextRTPTimestamp, firstSequence: 0, start: now)
        pending += packets.map { (due: $0.sendTime, payload: $0.payload, marker: $0.marker, timestamp: $0.rtpTimestamp) }
        sendDue(now: now)
    }

    private func sendDue(now: Instant) {
        guard let inner, let pt = inner.parameters.telephoneEventPayloadType else { return }
        while let p = pending.first, p.due <= now {
            pending.removeFirst()
            inner.sendRTP(payloadType: pt, payload: p.payload, marker: p.marker, timestamp: p.timestamp)
        }
    }

    func close(reason: MediaCloseReason, now: Instant) {
        inner?.close(reason: reason, now: now)
    }

    // MARK: DatagramSession

    func handleDatagram(_ bytes: [UInt8], from source: TransportAddress, now: Instant) {
        guard let inner else { stats.dropped += 1; return }
        if inner.state == .connected, bytes.count >= 12, bytes[0] >> 6 == 2, !(72...76).contains(bytes[1] & 0x7F),
           bytes[1] & 0x7F == inner.parameters.opusPayloadType {
            let timestamp = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
            observe(sequence: UInt16(bytes[2]) << 8 | UInt16(bytes[3]), timestamp: timestamp, now: now)
        }
        inner.handleDatagram(bytes, from: source, now: now)
    }

    private func observe(sequence: UInt16, timestamp: UInt32, now: Instant) {
        stats.received += 1
        if stats.firstAudioAt == nil { stats.firstAudioAt = now }
        guard let highest = highestSequence else {
            highestSequence = Int64(sequence)
            firstSequence = Int64(sequence)
            lastArrival = now
            stats.firstStamp = (now, Int64(timestamp))
            stats.lastStamp = stats.firstStamp
            return
        }
        let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highest)))
        guard delta > 0 else { return }  // late or duplicate: not an interval
        highestSequence = highest + delta
        if let last = stats.lastStamp {
            let step = Int64(Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: last.timestamp)))
            if step != 960 * delta { stats.timestampJumps += 1 }
            stats.lastStamp = (now, last.timestamp + step)
        }
        if let last = lastArrival {
            let error = (now - last) - frameInterval * Int(delta)
            stats.intervalError.record(error < .zero ? .zero - error : error)
        }
        lastArrival = now
        stats.lost = Int(highest + delta - firstSequence + 1) - stats.received
    }

    func isValidatedRemote(_ address: TransportAddress) -> Bool {
        inner?.isValidatedRemote(address) ?? false
    }

    func handleTimeout(now: Instant) {
        guard let inner else { return }
        sendDue(now: now)
        if inner.state == .connected {
            // The caller's microphone never stops: background noise, 20 ms Opus frames.
            if !talking || inner.queuedFrames < 25 {
                talking = true
                inner.play(frames: voice)
            }
        }
        inner.handleTimeout(now: now)
    }

    func pollTransmit() -> Transmit? { inner?.pollTransmit() }
    func pollEvent() -> MediaEvent? { inner?.pollEvent() }

    func nextDeadline() -> Instant? {
        let own = pending.first?.due
        guard let inner else { return own }
        if inner.state == .connected, !talking { return .init(nanoseconds: 0) }
        return [inner.nextDeadline(), own].compactMap { $0 }.min()
    }

    var state: CallSession.State? { inner?.state }
    var counters: MediaCounters? { inner?.counters }
}
