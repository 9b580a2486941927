import Wire

/// The outgoing audio stream's pacing and numbering, sans-IO. Send times come from a fixed
/// start instant plus whole frames (no drift over a long call); sequence +1 and timestamp +960
/// per 20 ms frame; the marker bit starts each talkspurt; silence frames fill the gaps.
struct RTPSender {
    /// A 20 ms Opus frame of silence (TOC 0xF8: CELT fullband 20 ms, mono, one frame).
    static let silenceFrame: [UInt8] = [0xF8, 0xFF, 0xFE]

    let ssrc: UInt32
    let payloadType: UInt8
    let samplesPerFrame: UInt32
    let frameInterval: Duration
    let frameIntervalNanoseconds: Int64
    private(set) var sequence: UInt16
    private(set) var timestamp: UInt32
    /// Plays not yet sent out, in order; `playHead` is the one being sent and `frameHead` its next frame.
    /// A play keeps the caller's array of frames (a prompt's frames are shared with the prompt cache),
    /// so queuing a long prompt copies nothing.
    private var plays: [Play] = []
    private var playHead = 0
    private var frameHead = 0
    private(set) var queued = 0
    private var start: Instant?
    private var frameIndex: Int64 = 0
    private var talking = false

    init(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, payloadType: UInt8, samplesPerFrame: UInt32,
         frameInterval: Duration) {
        self.ssrc = ssrc
        self.sequence = sequence
        self.timestamp = timestamp
        self.payloadType = payloadType
        self.samplesPerFrame = samplesPerFrame
        self.frameInterval = frameInterval
        self.frameIntervalNanoseconds = frameInterval.totalNanoseconds
    }

    var nextFrameAt: Instant? {
        // Integer nanoseconds: `Duration * Int` goes through 128-bit overflow checks on every frame.
        start.map { Instant(nanoseconds: $0.nanoseconds &+ frameIntervalNanoseconds &* frameIndex) }
    }

    /// Takes the next sequence number for a packet sent outside the pacing (a telephone-event).
    mutating func takeSequence() -> UInt16 {
        defer { sequence &+= 1 }
        return sequence
    }

    mutating func start(at now: Instant) {
        if start == nil { start = now }
    }

    private struct Play {
        let frames: [[UInt8]]
        let tag: Int?
    }

    /// Queues a play; `tag` is reported by `nextDue` when its last frame goes out.
    /// Returns true when the play is empty and so already finished.
    mutating func enqueue(_ frames: [[UInt8]], tag: Int? = nil) -> Bool {
        guard !frames.isEmpty else { return true }
        if playHead > 16, playHead * 2 > plays.count {
            plays.removeFirst(playHead)
            playHead = 0
        }
        plays.append(Play(frames: frames, tag: tag))
        queued += frames.count
        return false
    }

    /// Drops what is queued; returns the tags of the plays cut short.
    mutating func clear() -> [Int] {
        let cut = plays[playHead...].compactMap(\.tag)
        plays.removeAll(keepingCapacity: true)
        playHead = 0
        frameHead = 0
        queued = 0
        return cut
    }

    struct Frame: Equatable {
        var payload: [UInt8]
        var marker: Bool
        var sequence: UInt16
        var timestamp: UInt32
        var isSilence: Bool
        /// The play this frame ends, if it is the last frame of a tagged play.
        var endsPlay: Int?
        /// When the frame was due (start + index × 20 ms).
        var due: Instant
    }

    /// The frame due at or before `now`, if any. When the caller fell behind by more than
    /// `maxLag`, the slots missed are skipped (timestamps still advance) rather than burst out.
    mutating func nextDue(now: Instant, maxLag: Duration) -> Frame? {
        guard var due = nextFrameAt, due <= now else { return nil }
        if now - due > maxLag, let start {
            let behind = (now - start).totalNanoseconds / frameInterval.totalNanoseconds
            let skipped = behind - frameIndex
            if skipped > 0 {
                frameIndex += skipped
                timestamp &+= UInt32(truncatingIfNeeded: Int64(samplesPerFrame) * skipped)
                due = Instant(nanoseconds: start.nanoseconds &+ frameIntervalNanoseconds &* frameIndex)
            }
        }
        let payload: [UInt8]
        let silence: Bool
        var endsPlay: Int?
        if playHead < plays.count {
            let count = plays[playHead].frames.count
            payload = plays[playHead].frames[frameHead]
            frameHead += 1
            queued -= 1
            if frameHead == count {
                endsPlay = plays[playHead].tag
                playHead += 1
                frameHead = 0
            }
            silence = false
        } else {
            payload = Self.silenceFrame
            silence = true
        }
        let marker = !silence && !talking
        talking = !silence
        let frame = Frame(payload: payload, marker: marker, sequence: sequence, timestamp: timestamp, isSilence: silence,
                          endsPlay: endsPlay, due: due)
        sequence &+= 1
        timestamp &+= samplesPerFrame
        frameIndex += 1
        return frame
    }
}
