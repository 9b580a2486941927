import Wire

/// What a call's media session needs from the offer/answer exchange, as plain values.
public struct SessionParameters: Sendable {
    public struct RemoteCandidate: Sendable, Equatable {
        public var address: TransportAddress
        public var priority: UInt32
        public var foundation: String

        public init(address: TransportAddress, priority: UInt32, foundation: String) {
            self.address = address
            self.priority = priority
            self.foundation = foundation
        }
    }

    public var localUfrag: String
    public var localPwd: String
    public var remoteUfrag: String
    public var remotePwd: String
    /// SHA-256 of the remote DTLS certificate, from the offer's `a=fingerprint`.
    public var remoteFingerprint: [UInt8]
    public var remoteCandidates: [RemoteCandidate]
    /// WhatsApp is ice-lite: we control. Against a full agent that offered, we are controlled.
    public var remoteIsLite: Bool
    public var opusPayloadType: UInt8
    /// telephone-event/8000 payload type, if offered.
    public var telephoneEventPayloadType: UInt8?
    /// Other telephone-event payload types (e.g. /48000) that are also DTMF.
    public var otherTelephoneEventPayloadTypes: [UInt8]
    public var cname: String
    /// Our ICE role; nil = by the offer (controlling against ice-lite, else controlled).
    public var iceControlling: Bool?
    /// Our DTLS role: the client (`a=setup:active`) in every answer we build; the server role
    /// exists for peers that answer us and for in-memory tests of two sessions.
    public var dtlsClient = true

    public init(localUfrag: String, localPwd: String, remoteUfrag: String, remotePwd: String,
                remoteFingerprint: [UInt8], remoteCandidates: [RemoteCandidate], remoteIsLite: Bool,
                opusPayloadType: UInt8, telephoneEventPayloadType: UInt8?, otherTelephoneEventPayloadTypes: [UInt8] = [],
                cname: String) {
        self.localUfrag = localUfrag
        self.localPwd = localPwd
        self.remoteUfrag = remoteUfrag
        self.remotePwd = remotePwd
        self.remoteFingerprint = remoteFingerprint
        self.remoteCandidates = remoteCandidates
        self.remoteIsLite = remoteIsLite
        self.opusPayloadType = opusPayloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.otherTelephoneEventPayloadTypes = otherTelephoneEventPayloadTypes
        self.cname = cname
    }
}

/// Timings of a session, with their defaults.
public struct SessionConfig: Sendable {
    /// ICE and DTLS must complete within this after the session starts (WhatsApp hangs up
    /// after ~20 s without media); otherwise the session closes with a precise reason.
    public var connectTimeout: Duration = .seconds(15)
    /// Audio frame duration: 20 ms, 960 ticks of the 48 kHz RTP clock.
    public var frameInterval: Duration = .milliseconds(20)
    public var samplesPerFrame: UInt32 = 960
    /// RTCP sender reports, every ~5 s.
    public var rtcpInterval: Duration = .seconds(5)
    /// DTLS's first retransmission timeout (doubles per retry, as OpenSSL does).
    public var dtlsRetransmitTimeout: Duration = .seconds(1)
    /// If the pacer falls further behind than this (a stalled loop), it skips ahead instead of bursting.
    public var maxPacingLag: Duration = .milliseconds(200)

    public init() {}
}

/// Counters for what arrived and what was dropped, for metrics and the outcome record.
public struct MediaCounters: Sendable, Equatable {
    public var rtpSent = 0
    public var rtpReceived = 0
    public var rtcpSent = 0
    public var rtcpReceived = 0
    public var silenceFramesSent = 0
    /// Packets dropped: not STUN/DTLS/RTP/RTCP, unparseable, failed SRTP, or before keys existed.
    public var dropped = 0
    public var lastDropReason: String?
    /// How late each audio frame left against its due time (the pacer's error), as a histogram.
    public var pacing = LatenessHistogram()

    public init() {}
}

/// Lateness of paced frames in 0.25 ms buckets up to 50 ms, with the maximum: enough for
/// p50/p99/max without keeping every sample of a long call.
public struct LatenessHistogram: Sendable, Equatable {
    public static let bucketMicros = 250
    public private(set) var buckets = [Int](repeating: 0, count: 201)
    public private(set) var count = 0
    public private(set) var maxMicros = 0

    public init() {}

    public mutating func record(_ lateness: Duration) {
        let micros = max(0, Int(lateness.totalNanoseconds / 1000))
        buckets[min(micros / Self.bucketMicros, buckets.count - 1)] += 1
        count += 1
        maxMicros = max(maxMicros, micros)
    }

    /// Adds another histogram's samples (e.g. to sum many calls).
    public mutating func merge(_ other: LatenessHistogram) {
        for i in buckets.indices { buckets[i] += other.buckets[i] }
        count += other.count
        maxMicros = max(maxMicros, other.maxMicros)
    }

    /// The upper edge of the bucket holding the given quantile (0…1), in microseconds.
    public func quantileMicros(_ q: Double) -> Int {
        guard count > 0 else { return 0 }
        let target = Int((Double(count) * q).rounded(.up))
        var seen = 0
        for (i, n) in buckets.enumerated() {
            seen += n
            if seen >= max(target, 1) { return (i + 1) * Self.bucketMicros }
        }
        return maxMicros
    }
}
