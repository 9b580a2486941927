import Media
import Wire

/// One session as a socket's handler holds it, on the socket's event loop: drives the session,
/// hands its datagrams to the socket (unflushed: the socket flushes once per read burst or tick,
/// so NIO writes everything pending with one `sendmmsg`) and its events to the call's stream.
final class SessionSlot<Session: DatagramSession> {
    let session: Session
    let clock: any MonotonicClock
    let continuation: AsyncStream<MediaEvent>.Continuation
    var finished = false
    /// Taken off its socket's demultiplexer after it finished (shared sockets).
    var detached = false
    /// Caller audio is handed over in batches, at most `audioBatch` after its first packet
    /// arrived: one consumer wake-up per batch rather than one per 20 ms packet. Any other
    /// event flushes the batch first, so the order holds.
    let audioBatch: Duration
    var audioWanted = true
    var heldAudio: [MediaEvent] = []
    var heldSince: Instant?
    /// The session's next deadline, read after each time it was driven (every path ends in
    /// `drain`), so the 2 ms tick compares one stored value instead of asking every session.
    var deadline: Instant?

    init(session: Session, clock: any MonotonicClock, audioBatch: Duration,
         continuation: AsyncStream<MediaEvent>.Continuation) {
        self.session = session
        self.clock = clock
        self.audioBatch = audioBatch
        self.continuation = continuation
    }

    /// Takes the session's datagrams (to `send`, unflushed) and events; returns whether it sent any.
    @discardableResult
    func drain(now: Instant, send: (Transmit) -> Void) -> Bool {
        var wrote = false
        while let t = session.pollTransmit() {
            send(t)
            wrote = true
        }
        while let event = session.pollEvent() {
            if case .audio = event {
                guard audioWanted else { continue }
                heldAudio.append(event)
                if heldSince == nil { heldSince = now }
                continue
            }
            flushAudio()
            continuation.yield(event)
            if case .closed = event { finished = true; continuation.finish() }
        }
        if let since = heldSince, now - since >= audioBatch { flushAudio() }
        deadline = session.nextDeadline()
        return wrote
    }

    func flushAudio() {
        heldSince = nil
        guard !heldAudio.isEmpty else { return }
        for event in heldAudio { continuation.yield(event) }
        heldAudio.removeAll(keepingCapacity: true)
    }

    func setAudioWanted(_ wanted: Bool) {
        audioWanted = wanted
        if !wanted { heldAudio.removeAll() }
    }

    /// The loop's tick: wakes the session when its deadline has come. Returns whether it sent.
    func tick(now: Instant, send: (Transmit) -> Void) -> Bool {
        guard !finished else { return false }
        if let deadline, deadline <= now {
            session.handleTimeout(now: now)
            return drain(now: now, send: send)
        }
        if let since = heldSince, now - since >= audioBatch { flushAudio() }
        return false
    }

    func finish(reason: MediaCloseReason) {
        guard !finished else { return }
        flushAudio()
        finished = true
        continuation.yield(.closed(reason: reason))
        continuation.finish()
    }
}
