import DTLS
import ICE
import RTP
import SRTP
import Wire

/// One call's media, sans-IO: demultiplexes datagrams (RFC 7983) to ICE, DTLS and SRTP/RTP,
/// paces outgoing audio at 20 ms (silence when nothing is queued), sends RTCP reports, and
/// reports events. It never reads a clock: every input carries `now`.
public final class CallSession: DatagramSession {
    public enum State: Equatable, Sendable { case connecting, connected, closed }

    public let parameters: SessionParameters
    public let config: SessionConfig
    public internal(set) var state: State = .connecting
    public internal(set) var counters = MediaCounters()
    public let localSSRC: UInt32

    var ice: ICEAgent
    let dtls: DTLSEndpoint
    var dtlsStarted = false
    var srtpOut: SRTPSession?
    var srtpIn: SRTPSession?
    var remote: TransportAddress?
    let connectDeadline: Instant

    var sender: RTPSender
    var senderStatistics: SenderStatistics
    var timestampMapping: RTPTimestampMapping?
    var receiver = RTPReceiverState()
    var nextRTCP: Instant?
    /// The wall clock at one instant, for RTCP's NTP timestamps (the session never reads a clock).
    let wallClockAnchor: (instant: Instant, unixNanoseconds: Int64)

    /// Output queues, drained by index (no O(n) removal per packet).
    var transmits: [Transmit] = []
    var transmitHead = 0
    var events: [MediaEvent] = []
    var eventHead = 0
    /// Received SRTP is copied here, unprotected and parsed in place: one buffer for the call's life.
    var srtpScratch: [UInt8] = []

    public init(parameters: SessionParameters, certificate: DTLSCertificate, localAddress: TransportAddress,
                now: Instant, unixNanoseconds: Int64, config: SessionConfig = SessionConfig(),
                random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }) throws {
        self.parameters = parameters
        self.config = config
        self.connectDeadline = now + config.connectTimeout
        let ssrc = UInt32(truncatingIfNeeded: random())
        self.localSSRC = ssrc
        self.sender = RTPSender(ssrc: ssrc, sequence: UInt16(truncatingIfNeeded: random()),
                                timestamp: UInt32(truncatingIfNeeded: random()), payloadType: parameters.opusPayloadType,
                                samplesPerFrame: config.samplesPerFrame, frameInterval: config.frameInterval)
        self.senderStatistics = SenderStatistics(ssrc: ssrc)
        self.wallClockAnchor = (now, unixNanoseconds)
        let controlling = parameters.iceControlling ?? parameters.remoteIsLite
        ice = ICEAgent(role: controlling ? .controlling : .controlled,
                       local: ICECredentials(ufrag: parameters.localUfrag, password: parameters.localPwd),
                       remote: ICECredentials(ufrag: parameters.remoteUfrag, password: parameters.remotePwd),
                       remoteIsLite: parameters.remoteIsLite, localAddress: localAddress,
                       tieBreaker: random(), now: now)
        for c in parameters.remoteCandidates {
            ice.addRemoteCandidate(address: c.address, priority: c.priority, foundation: c.foundation)
        }
        dtls = try DTLSEndpoint(role: parameters.dtlsClient ? .client : .server, certificate: certificate,
                                remoteFingerprint: parameters.remoteFingerprint,
                                initialRetransmitTimeout: config.dtlsRetransmitTimeout)
        drainICE(now: now)
    }

    // MARK: DatagramSession

    public func handleDatagram(_ bytes: [UInt8], from source: TransportAddress, now: Instant) {
        guard state != .closed else { return }
        switch PacketClass.classify(bytes) {
        case .stun:
            do {
                try ice.handleReceive(bytes, from: source, now: now)
            } catch {
                drop("STUN: \(error)")
            }
            drainICE(now: now)
        case .dtls:
            // Only from the address ICE validated: DTLS treats a spoofed record as fatal.
            guard let validated = remote ?? ice.validatedRemote(source), validated == source else {
                return drop("DTLS from \(source), not a validated ICE pair")
            }
            if !dtlsStarted {
                // The controlling peer may nominate and start DTLS before our side saw the nomination.
                remote = source
                dtlsStarted = true
                dtls.start(now: now)
            }
            let discarded = dtls.discardedDatagrams
            dtls.handleDatagram(bytes, now: now)
            if dtls.discardedDatagrams > discarded {
                drop("DTLS: \(dtls.lastDiscardReason.map { "\($0)" } ?? "discarded")")
            }
            drainDTLS(now: now)
        case .rtp:
            srtpScratch.removeAll(keepingCapacity: true)
            srtpScratch.append(contentsOf: bytes)
            receiveRTPFromScratch(now: now)
        case .rtcp:
            receiveRTCP(bytes, now: now)
        default:
            drop("not STUN, DTLS, RTP or RTCP (first byte \(bytes.first ?? 0))")
        }
    }

    /// The same for bytes the caller keeps (a socket's receive buffer): RTP, nearly every datagram,
    /// is copied only into the session's reused SRTP buffer; anything else into an array first.
    public func handleDatagram(_ bytes: UnsafeRawBufferPointer, from source: TransportAddress, now: Instant) {
        guard state != .closed else { return }
        guard let first = bytes.first,
              PacketClass.classify(first: first, second: bytes.count > 1 ? bytes[1] : nil) == .rtp else {
            return handleDatagram(Array(bytes), from: source, now: now)
        }
        srtpScratch.removeAll(keepingCapacity: true)
        srtpScratch.append(contentsOf: bytes)
        receiveRTPFromScratch(now: now)
    }

    public func handleTimeout(now: Instant) {
        guard state != .closed else { return }
        if state == .connecting, now >= connectDeadline {
            let phase = remote == nil ? "ICE" : "DTLS"
            return close(reason: .connectTimeout(phase: phase, after: config.connectTimeout), now: now)
        }
        ice.handleTimeout(now: now)
        drainICE(now: now)
        guard state != .closed else { return }
        if dtlsStarted {
            dtls.handleTimeout(now: now)
            drainDTLS(now: now)
        }
        if state == .connected {
            pace(now: now)
            if let due = nextRTCP, now >= due { sendRTCP(now: now) }
        }
    }

    public func pollTransmit() -> Transmit? {
        guard transmitHead < transmits.count else {
            if !transmits.isEmpty { transmits.removeAll(keepingCapacity: true) }
            transmitHead = 0
            return nil
        }
        defer { transmitHead += 1 }
        return transmits[transmitHead]
    }

    public func pollEvent() -> MediaEvent? {
        guard eventHead < events.count else {
            if !events.isEmpty { events.removeAll(keepingCapacity: true) }
            eventHead = 0
            return nil
        }
        defer { eventHead += 1 }
        return events[eventHead]
    }

    public func nextDeadline() -> Instant? {
        guard state != .closed else { return nil }
        var earliest = EarliestDeadline()
        if state == .connecting { earliest.consider(connectDeadline) }
        // Through an inout access: a plain `ice.nextDeadline()` copies the agent out of this class first
        // (every array and dictionary in it retained, then released), on every packet and tick of every call.
        earliest.consider(Self.inPlace(&ice) { $0.nextDeadline() })
        if dtlsStarted { earliest.consider(dtls.nextDeadline()) }
        if state == .connected {
            earliest.consider(sender.nextFrameAt)
            earliest.consider(nextRTCP)
        }
        return earliest.value
    }

    /// Runs `body` on a stored struct in place, without copying it out of the class.
    private static func inPlace<T, R>(_ value: inout T, _ body: (inout T) -> R) -> R { body(&value) }

    public func isValidatedRemote(_ address: TransportAddress) -> Bool {
        address == remote || ice.validatedRemote(address) != nil
    }

    // MARK: Playback

    /// Queues 20 ms Opus frames for paced sending. With a `tag`, `playbackFinished(tag)` follows
    /// when the last frame has been sent (or at once for an empty play).
    public func play(frames: [[UInt8]], tag: Int? = nil) {
        if sender.enqueue(frames, tag: tag), let tag { events.append(.playbackFinished(tag: tag, interrupted: false)) }
    }

    /// Drops queued frames (barge-in); silence resumes at the next tick. Plays cut short are
    /// reported as `playbackFinished(tag, interrupted: true)`.
    public func stopPlayback() {
        for tag in sender.clear() { events.append(.playbackFinished(tag: tag, interrupted: true)) }
    }

    public var queuedFrames: Int { sender.queued }

    /// The RTP timestamp the next audio frame will carry: an RFC 4733 event starting now uses it.
    public var nextRTPTimestamp: UInt32 { sender.timestamp }

    /// Sends one RTP packet outside the paced audio, in the same stream (our SSRC, the next
    /// sequence number): an RFC 4733 telephone-event, for instance. Dropped unless connected.
    public func sendRTP(payloadType: UInt8, payload: [UInt8], marker: Bool, timestamp: UInt32) {
        guard state == .connected, let srtpOut, let remote else { return drop("RTP sent before the session connected") }
        let packet = RTPPacket(marker: marker, payloadType: payloadType, sequenceNumber: sender.takeSequence(),
                               timestamp: timestamp, ssrc: sender.ssrc, payload: payload)
        guard var bytes = try? packet.serialize(reservingCapacity: SRTPSession.maxTrailerLength),
              (try? srtpOut.protectRTP(inPlace: &bytes)) != nil else {
            return drop("could not protect an outgoing RTP packet")
        }
        transmits.append(Transmit(bytes: bytes, destination: remote))
        counters.rtpSent += 1
    }

    /// Ends the session: DTLS close_notify to the peer, then `closed(reason)`.
    public func close(reason: MediaCloseReason, now: Instant) {
        guard state != .closed else { return }
        if dtlsStarted {
            dtls.close()
            drainDTLS(now: now, closing: true)
        }
        state = .closed
        events.append(.closed(reason: reason))
    }

    // MARK: Internals

    func drop(_ reason: String) {
        counters.dropped += 1
        counters.lastDropReason = reason
    }

    func drainICE(now: Instant) {
        while let t = ice.pollTransmit() {
            transmits.append(Transmit(bytes: t.bytes, destination: t.destination))
        }
        while let event = ice.pollEvent() {
            switch event {
            case let .connected(selected):
                remote = selected
                if !dtlsStarted {
                    dtlsStarted = true
                    dtls.start(now: now)
                    drainDTLS(now: now)
                }
            case let .failed(reason), let .disconnected(reason):
                close(reason: .ice(reason), now: now)
                return
            case .roleChanged, .selectedPairChanged:  // the selected remote is read below
                continue
            }
        }
        if let selected = ice.selectedRemote { remote = selected }
    }

    func drainDTLS(now: Instant, closing: Bool = false) {
        while let datagram = dtls.pollTransmit() {
            if let remote { transmits.append(Transmit(bytes: datagram, destination: remote)) }
        }
        guard !closing else { return }
        while let event = dtls.pollEvent() {
            switch event {
            case let .connected(keys):
                do {
                    srtpOut = try keys.makeOutboundSession()
                    srtpIn = try keys.makeInboundSession()
                } catch {
                    return close(reason: .srtpSetup(reason: "\(error)"), now: now)
                }
                state = .connected
                sender.start(at: now)
                timestampMapping = RTPTimestampMapping(anchor: now, anchorTimestamp: sender.timestamp, clockRate: 48_000)
                nextRTCP = now + config.rtcpInterval
                if let remote { events.append(.connected(remote: remote, srtpProfile: keys.profile.openSSLName)) }
            case let .failed(reason):
                return close(reason: .dtls(reason: reason), now: now)
            case .closed:
                return close(reason: .peerClosed, now: now)
            }
        }
    }
}
