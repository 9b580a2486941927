import Wire

/// A sans-IO jitter buffer for one remote audio stream (one SSRC).
///
/// Packets go in with their arrival time; `pop(now:)` hands out one slot at a time, in sequence
/// order, once its playout time has come. The first packet plays `targetDelay` after it arrived;
/// each later packet plays at that time plus its RTP timestamp's distance from the first, so
/// network jitter up to `targetDelay` is absorbed. Reordered packets are put back in order;
/// duplicates and packets whose slot has passed are dropped and counted; a lost slot becomes
/// `.recoverFromNext` (the next packet is here: use its in-band FEC) or `.missing` (conceal).
/// When a packet arrives after its slot was concealed, the delay grows by its lateness (adaptive,
/// up to `maxDelay`); after `maxConcealedInARow` lost slots with nothing buffered playout pauses,
/// and the next packet starts it again at `targetDelay`. An SSRC change or a sequence jump larger than
/// `resetGap` resets the buffer. Never reads a clock: ask `nextDeadline()` when to pop next.
public struct JitterBuffer: Sendable {
    public let configuration: JitterBufferConfiguration
    public private(set) var stats = JitterBufferStats()
    public private(set) var ssrc: UInt32?

    private struct Packet: Sendable {
        var payload: [UInt8]
        var timestamp: UInt32
    }

    /// The reference for playout times: slot `index` (timestamp `timestamp`) plays at `time`.
    private struct Anchor: Sendable {
        var index: Int64
        var timestamp: UInt32
        var time: Instant
    }

    private enum State: Sendable {
        case empty      // nothing received since creation or reset
        case playing
        case paused     // ran dry; the next packet restarts playout
    }

    private var state = State.empty
    private var packets: [Int64: Packet] = [:]
    private var highest: (index: Int64, sequence: UInt16)?
    private var next: Int64 = 0
    private var anchor = Anchor(index: 0, timestamp: 0, time: Instant(nanoseconds: 0))
    private var poppedSinceAnchor = false
    /// RTP ticks per packet, learned from consecutive packets.
    public private(set) var frameTicks: UInt32
    private var concealedInARow = 0
    private var addedDelay: Duration = .zero
    private var spurtStart: Int64 = 0   // the index playout last (re)started at
    private var history = [Int64](repeating: -1, count: 256)   // index of each recent slot handed out
    private var historyPlayed = [Bool](repeating: false, count: 256)

    public init(configuration: JitterBufferConfiguration = JitterBufferConfiguration()) {
        self.configuration = configuration
        frameTicks = configuration.defaultFrameTicks
    }

    /// Packets waiting for playout.
    public var count: Int { packets.count }

    /// The delay packets are played at now: `targetDelay` plus what late packets added.
    public var currentDelay: Duration { configuration.targetDelay + addedDelay }

    /// Stores one RTP packet's payload. `ssrc`, when given, resets the buffer if it changes.
    @discardableResult
    public mutating func insert(sequence: UInt16, rtpTimestamp: UInt32, payload: [UInt8], arrival: Instant,
                                ssrc: UInt32? = nil) -> JitterInsertResult {
        var wasReset = false
        if let ssrc {
            if let current = self.ssrc, current != ssrc {
                reset()
                wasReset = true
            }
            self.ssrc = ssrc
        }
        if state == .playing && packets.isEmpty && concealedInARow >= configuration.maxConcealedInARow {
            state = .paused
        }
        var index = index(of: sequence)
        if state != .empty, let top = highest,
           index - top.index > Int64(configuration.resetGap) || next - index > Int64(configuration.resetGap) {
            reset()
            wasReset = true
            index = self.index(of: sequence)
        }
        if index > highest?.index ?? .min { highest = (index, sequence) }
        if state != .empty && index < next {
            let slot = Int(index & 255)
            if history[slot] == index {
                if historyPlayed[slot] {
                    stats.duplicates += 1
                    return .duplicate
                }
                stats.late += 1
                adapt(toLate: index, timestamp: rtpTimestamp, arrival: arrival)
                return .late
            }
            guard !poppedSinceAnchor && next - index < Int64(configuration.maxPackets) else {
                stats.late += 1
                return .late
            }
            // Reordered at the start of playout: nothing has played since, so start from this one.
            stats.skipped = max(0, stats.skipped - Int(next - index))
            next = index
        }
        if packets[index] != nil {
            stats.duplicates += 1
            return .duplicate
        }
        packets[index] = Packet(payload: payload, timestamp: rtpTimestamp)
        stats.buffered += 1
        learnFrameTicks(around: index)
        switch state {
        case .empty:
            start(at: index, timestamp: rtpTimestamp, arrival: arrival)
        case .paused:
            stats.skipped += Int(index - next)
            start(at: index, timestamp: rtpTimestamp, arrival: arrival)
        case .playing:
            break
        }
        while packets.count > configuration.maxPackets { dropOldest() }
        return wasReset ? .bufferedAfterReset : .buffered
    }

    /// The next slot if its playout time has come (call until nil), else nil.
    public mutating func pop(now: Instant) -> JitterOutput? {
        guard state == .playing else { return nil }
        let deadline = playoutTime(of: next)
        guard now >= deadline else { return nil }
        let index = next
        let sequence = UInt16(truncatingIfNeeded: index)
        let output: JitterOutput
        if let packet = packets.removeValue(forKey: index) {
            output = .frame(payload: packet.payload, sequence: sequence, rtpTimestamp: packet.timestamp)
            stats.played += 1
            concealedInARow = 0
            record(index, played: true)
            anchor = Anchor(index: index, timestamp: packet.timestamp, time: deadline)
        } else {
            if packets.isEmpty && concealedInARow >= configuration.maxConcealedInARow {
                state = .paused
                return nil
            }
            let timestamp = expectedTimestamp(of: index)
            if let following = packets[index + 1] {
                output = .recoverFromNext(nextPayload: following.payload, sequence: sequence, rtpTimestamp: timestamp)
                stats.recovered += 1
            } else {
                output = .missing(sequence: sequence, rtpTimestamp: timestamp)
                stats.concealed += 1
            }
            concealedInARow += 1
            record(index, played: false)
            anchor = Anchor(index: index, timestamp: timestamp, time: deadline)
        }
        poppedSinceAnchor = true
        next = index + 1
        return output
    }

    /// When `pop` will next have something (nil while empty or paused).
    public func nextDeadline() -> Instant? {
        guard state == .playing else { return nil }
        if packets.isEmpty && concealedInARow >= configuration.maxConcealedInARow { return nil }
        return playoutTime(of: next)
    }

    /// Forgets the stream (packets, sequence and timing); statistics are kept.
    public mutating func reset() {
        stats.resets += 1
        state = .empty
        packets.removeAll()
        highest = nil
        poppedSinceAnchor = false
        concealedInARow = 0
        frameTicks = configuration.defaultFrameTicks
        for i in history.indices { history[i] = -1 }
    }

    // MARK: - Internals

    private mutating func start(at index: Int64, timestamp: UInt32, arrival: Instant) {
        state = .playing
        next = index
        spurtStart = index
        anchor = Anchor(index: index, timestamp: timestamp, time: arrival + configuration.targetDelay)
        poppedSinceAnchor = false
        concealedInARow = 0
        addedDelay = .zero
    }

    /// A packet came after its slot was concealed: play later by its lateness, up to `maxDelay`.
    private mutating func adapt(toLate index: Int64, timestamp: UInt32, arrival: Instant) {
        // Only packets of the current talk spurt say something about today's network delay.
        guard configuration.adaptive, state == .playing, index >= spurtStart else { return }
        let ticks = Int64(Int32(bitPattern: timestamp &- anchor.timestamp))
        let slot = anchor.time + .nanoseconds(ticks * 1_000_000_000 / Int64(configuration.clockRate))
        let room = configuration.maxDelay - currentDelay
        guard arrival > slot, room > .zero else { return }
        let added = min(arrival - slot, room)
        addedDelay += added
        anchor.time = anchor.time + added
    }

    /// Extends a 16-bit sequence number to a 64-bit index near the highest seen.
    private func index(of sequence: UInt16) -> Int64 {
        guard let top = highest else { return Int64(sequence) + 65_536 }
        return top.index + Int64(SequenceNumber.distance(from: top.sequence, to: sequence))
    }

    private func playoutTime(of index: Int64) -> Instant {
        let ticks: Int64
        if let packet = packets[index] {
            ticks = Int64(Int32(bitPattern: packet.timestamp &- anchor.timestamp))
        } else {
            ticks = (index - anchor.index) * Int64(frameTicks)
        }
        return anchor.time + .nanoseconds(ticks * 1_000_000_000 / Int64(configuration.clockRate))
    }

    private func expectedTimestamp(of index: Int64) -> UInt32 {
        anchor.timestamp &+ UInt32(truncatingIfNeeded: (index - anchor.index) * Int64(frameTicks))
    }

    /// Takes the packet duration from neighbouring packets (20 ms unless they say otherwise).
    private mutating func learnFrameTicks(around index: Int64) {
        guard let packet = packets[index] else { return }
        if let before = packets[index - 1] {
            adopt(packet.timestamp &- before.timestamp)
        } else if index == anchor.index + 1, history[Int(anchor.index & 255)] == anchor.index,
                  historyPlayed[Int(anchor.index & 255)] {
            adopt(packet.timestamp &- anchor.timestamp)   // the packet just played
        }
        if let after = packets[index + 1] { adopt(after.timestamp &- packet.timestamp) }
    }

    private mutating func adopt(_ ticks: UInt32) {
        // Opus packets last 2.5 to 120 ms.
        if ticks >= UInt32(configuration.clockRate / 400) && ticks <= UInt32(configuration.clockRate / 1000 * 120) {
            frameTicks = ticks
        }
    }

    /// The buffer is full: drop its oldest packet and play everything one packet earlier.
    private mutating func dropOldest() {
        guard let oldest = packets.keys.min(), let packet = packets.removeValue(forKey: oldest) else { return }
        stats.overflowed += 1
        record(oldest, played: false)
        let ticks = Int64(Int32(bitPattern: packet.timestamp &- anchor.timestamp))
        let slot = anchor.time + .nanoseconds(ticks * 1_000_000_000 / Int64(configuration.clockRate))
        // Shift the clock so the packet after the dropped one plays where the dropped one would have.
        let shift = Int64(frameTicks) * 1_000_000_000 / Int64(configuration.clockRate)
        if oldest >= next {
            stats.skipped += Int(oldest - next)
            next = oldest + 1
            anchor = Anchor(index: oldest, timestamp: packet.timestamp,
                            time: Instant(nanoseconds: slot.nanoseconds - shift))
        }
    }

    private mutating func record(_ index: Int64, played: Bool) {
        let slot = Int(index & 255)
        history[slot] = index
        historyPlayed[slot] = played
    }
}
