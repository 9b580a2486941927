import DTLS
import Foundation
import Hashing
import Logging
import Media
import NIOCore
import NIOPosix
import SDP
import Wire

/// Answers WhatsApp's (or any WebRTC peer's) audio offers: negotiates, places the call on a shared
/// UDP socket of one event loop (`SharedSocketPool`), starts the sans-IO session there and returns
/// the SDP answer, which advertises that socket's port.
public final class MediaEngine: CallMediaFactory {
    public struct Config: Sendable {
        /// The address answers advertise and sockets bind to (`IVR_MEDIA_IP`).
        public var ip: String
        /// The media ports (`IVR_MEDIA_PORTS`): port i belongs to event loop i mod L, each bound once and
        /// shared by every call on that loop. A loop's further ports are used only for calls whose remote
        /// address already has a call on its first port.
        public var ports: ClosedRange<Int>
        public var session = SessionConfig()
        /// Datagrams one `recvmmsg` may return.
        public var vectorReadCount = 64
        /// The event loops' shared tick (pacing, ICE, DTLS, RTCP timers).
        public var tick: Duration = .milliseconds(2)
        /// Caller audio is handed to the call's owner at most this late, in batches.
        public var audioBatch: Duration = .milliseconds(60)
        /// One socket per call on a free port of `ports` (the transport before shared sockets), kept only
        /// so benchmarks can compare the two on one binary (`IVR_MEDIA_SOCKETS=per-call`).
        public var perCallSockets = false

        public init(ip: String, ports: ClosedRange<Int>) {
            self.ip = ip
            self.ports = ports
        }
    }

    public let config: Config
    public let certificate: DTLSCertificate
    let clock: any MonotonicClock
    let group: any EventLoopGroup
    let pool: SharedSocketPool

    public init(config: Config, certificate: DTLSCertificate? = nil,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                clock: any MonotonicClock = SystemMonotonicClock()) throws {
        guard IPAddress(config.ip) != nil else { throw MediaTransportError.invalidAddress(config.ip) }
        self.config = config
        self.certificate = try certificate ?? DTLSCertificate()
        self.clock = clock
        self.group = group
        self.pool = SharedSocketPool(ip: config.ip, ports: config.ports, group: group, clock: clock,
                                     tick: .nanoseconds(config.tick.totalNanoseconds),
                                     vectorReadCount: config.vectorReadCount)
    }

    /// Datagrams moved by the shared sockets so far, and the system calls that carried them.
    public func transportStats() async -> SharedSocketStats {
        await pool.stats()
    }

    /// Our certificate's fingerprint, as every answer carries it.
    public var fingerprint: String { certificate.fingerprintString }

    public func answer(offer: String, callID: String, logger: Logger) async throws -> any CallMediaChannel {
        let description = try SessionDescription(parsing: offer)
        let negotiation = try AudioNegotiation(offer: description)
        let parameters = try sessionParameters(negotiation, localUfrag: Self.iceString(8), localPwd: Self.iceString(24),
                                               cname: Self.iceString(16))
        let candidates = parameters.remoteCandidates
        let certificate = self.certificate, clock = self.clock, sessionConfig = config.session
        let makeSession: @Sendable (TransportAddress) throws -> CallSession = { local in
            try CallSession(parameters: parameters, certificate: certificate, localAddress: local, now: clock.now(),
                            unixNanoseconds: Int64(Date().timeIntervalSince1970 * 1e9), config: sessionConfig)
        }
        let socket: any CallSocket
        if config.perCallSockets {
            socket = try await UDPMediaSocket<CallSession>.open(ip: config.ip, ports: config.ports, group: group, clock: clock,
                                                                audioBatch: config.audioBatch, makeSession: makeSession)
        } else {
            socket = try await pool.place(ufrag: parameters.localUfrag, password: parameters.localPwd,
                                          remoteCandidates: candidates.map(\.address), audioBatch: config.audioBatch,
                                          makeSession: makeSession)
        }
        let answer: String
        do {
            answer = try AnswerBuilder.answerText(to: description, negotiation: negotiation, parameters: AnswerParameters(
                iceUfrag: parameters.localUfrag, icePwd: parameters.localPwd, fingerprint: certificate.fingerprint,
                address: config.ip, port: socket.localAddress.port,
                sessionID: UInt64.random(in: 1...UInt64(Int64.max)), cname: parameters.cname))
        } catch {
            await socket.release()
            throw error
        }
        logger.debug("media answer ready", metadata: ["local": "\(socket.localAddress)", "candidates": "\(candidates.count)"])
        return UDPCallMedia(socket: socket, answerSDP: answer, opusFormatParameters: Self.opusFmtp(negotiation))
    }

    /// The session's parameters from the remote side's SDP (an offer, or the answer to our offer):
    /// the candidates our media address can reach (same family), the payload types, ICE and DTLS.
    func sessionParameters(_ negotiation: AudioNegotiation, localUfrag: String, localPwd: String,
                           cname: String) throws -> SessionParameters {
        guard let localIP = IPAddress(config.ip) else { throw MediaTransportError.invalidAddress(config.ip) }
        let candidates = negotiation.remoteCandidates.compactMap { c -> SessionParameters.RemoteCandidate? in
            guard let ip = IPAddress(c.address), ip.isIPv6 == localIP.isIPv6 else { return nil }
            return .init(address: TransportAddress(ip: ip, port: c.port), priority: c.priority, foundation: c.foundation)
        }
        guard !candidates.isEmpty || negotiation.remoteIsICELite == false else {
            throw MediaTransportError.noUsableCandidate(
                family: localIP.isIPv6 ? "IPv6" : "IPv4",
                offered: negotiation.remoteCandidates.map { "\($0.address):\($0.port)" })
        }
        return SessionParameters(
            localUfrag: localUfrag, localPwd: localPwd,
            remoteUfrag: negotiation.remoteICEUfrag, remotePwd: negotiation.remoteICEPwd,
            remoteFingerprint: negotiation.remoteFingerprint.bytes, remoteCandidates: candidates,
            remoteIsLite: negotiation.remoteIsICELite, opusPayloadType: negotiation.opus.payloadType,
            telephoneEventPayloadType: negotiation.telephoneEvent?.payloadType,
            otherTelephoneEventPayloadTypes: negotiation.telephoneEvent48000.map { [$0.payloadType] } ?? [],
            cname: cname)
    }

    static func opusFmtp(_ negotiation: AudioNegotiation) -> [String: String] {
        var fmtp: [String: String] = [:]
        for p in negotiation.opus.formatParameters?.parameters ?? [] { fmtp[p.name.lowercased()] = p.value ?? "" }
        return fmtp
    }

    private static let iceChars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")

    /// Random ICE credential characters (RFC 8839 ice-char), from OpenSSL's generator.
    static func iceString(_ count: Int) -> String {
        String(SecureRandom.bytes(count).map { iceChars[Int($0) % iceChars.count] })
    }
}

/// One call's media over its place on a shared UDP socket.
public final class UDPCallMedia: CallMediaChannel {
    public let answerSDP: String
    public let opusFormatParameters: [String: String]
    let socket: any CallSocket

    /// `answerSDP`: our SDP, the answer to a user's offer or, for a call we placed, our offer.
    init(socket: any CallSocket, answerSDP: String, opusFormatParameters: [String: String]) {
        self.socket = socket
        self.answerSDP = answerSDP
        self.opusFormatParameters = opusFormatParameters
    }

    public var events: AsyncStream<MediaEvent> { socket.events }
    public var localAddress: TransportAddress { socket.localAddress }

    public func play(frames: [[UInt8]], tag: Int?) {
        socket.withSession { session, _ in session.play(frames: frames, tag: tag) }
    }

    public func stopPlayback() {
        socket.withSession { session, _ in session.stopPlayback() }
    }

    public func setCallerAudioWanted(_ wanted: Bool) {
        socket.setAudioWanted(wanted)
    }

    public func counters() async -> MediaCounters {
        await socket.read { $0.counters } ?? MediaCounters()
    }

    public func close(reason: MediaCloseReason) async {
        await socket.perform { session, now in session.close(reason: reason, now: now) }
        await socket.release()
    }
}

/// A call's place on a socket, shared or its own.
protocol CallSocket: Sendable {
    var events: AsyncStream<MediaEvent> { get }
    var localAddress: TransportAddress { get }
    func setAudioWanted(_ wanted: Bool)
    func withSession(_ body: @escaping @Sendable (CallSession, Instant) -> Void)
    func perform(_ body: @escaping @Sendable (CallSession, Instant) -> Void) async
    func read<T: Sendable>(_ body: @escaping @Sendable (CallSession) -> T) async -> T?
    func release() async
}

extension SharedSocketCall: CallSocket {}

extension UDPMediaSocket: CallSocket where Session == CallSession {
    func release() async { await close() }
}
