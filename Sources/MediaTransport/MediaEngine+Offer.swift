import DTLS
import Foundation
import Logging
import Media
import SDP
import Wire

extension MediaEngine: CallMediaOffering {
    /// Picks the call's socket (a shared one, or its own with `perCallSockets`; no session yet) and
    /// builds our offer naming its port.
    public func offer(callID: String, logger: Logger) async throws -> any PendingCallMedia {
        let socket: OfferedMedia.Socket
        if config.perCallSockets {
            socket = .own(try await UDPMediaSocket<CallSession>.openUnbound(ip: config.ip, ports: config.ports, group: group,
                                                                            clock: clock, audioBatch: config.audioBatch))
        } else {
            socket = .shared(try await pool.socketForOffer())
        }
        let ufrag = Self.iceString(8), pwd = Self.iceString(24), cname = Self.iceString(16)
        let offer: String
        do {
            offer = try OfferBuilder.offerText(parameters: OfferParameters(
                iceUfrag: ufrag, icePwd: pwd, fingerprint: certificate.fingerprint, address: config.ip,
                port: socket.localAddress.port, sessionID: UInt64.random(in: 1...UInt64(Int64.max)), cname: cname))
        } catch {
            await socket.close()
            throw error
        }
        logger.debug("media offer ready", metadata: ["local": "\(socket.localAddress)"])
        return OfferedMedia(engine: self, socket: socket, offerSDP: offer, ufrag: ufrag, pwd: pwd, cname: cname)
    }
}

/// Our offer and the socket it names, waiting for the answer.
final class OfferedMedia: PendingCallMedia {
    /// The socket the offer names: the call's own (no session until the answer), or a shared one
    /// (the call is added to it with the answer's candidates).
    enum Socket: Sendable {
        case own(UDPMediaSocket<CallSession>)
        case shared(SharedMediaSocket)

        var localAddress: TransportAddress {
            switch self {
            case let .own(s): return s.localAddress
            case let .shared(s): return s.localAddress
            }
        }

        /// Gives the socket back unused: the call's own is closed; a shared one stays for the others.
        func close() async {
            if case let .own(s) = self { await s.close() }
        }
    }

    let engine: MediaEngine
    let socket: Socket
    let offerSDP: String
    let ufrag: String
    let pwd: String
    let cname: String

    init(engine: MediaEngine, socket: Socket, offerSDP: String, ufrag: String, pwd: String, cname: String) {
        self.engine = engine
        self.socket = socket
        self.offerSDP = offerSDP
        self.ufrag = ufrag
        self.pwd = pwd
        self.cname = cname
    }

    func apply(answer: String, logger: Logger) async throws -> any CallMediaChannel {
        let answered = try AnsweredAudio(answerText: answer, offerText: offerSDP)
        var parameters = try engine.sessionParameters(answered.remote, localUfrag: ufrag, localPwd: pwd, cname: cname)
        parameters.iceControlling = answered.localIsICEControlling
        parameters.dtlsClient = answered.localIsDTLSClient
        let certificate = engine.certificate, clock = engine.clock, sessionConfig = engine.config.session
        let session = parameters
        let makeSession: @Sendable (TransportAddress) throws -> CallSession = { local in
            try CallSession(parameters: session, certificate: certificate, localAddress: local, now: clock.now(),
                            unixNanoseconds: Int64(Date().timeIntervalSince1970 * 1e9), config: sessionConfig)
        }
        let placed: any CallSocket
        switch socket {
        case let .own(own):
            try await own.install(tick: .nanoseconds(engine.config.tick.totalNanoseconds), clock: clock,
                                  makeSession: makeSession)
            placed = own
        case let .shared(shared):
            placed = try await engine.pool.place(on: shared, ufrag: ufrag, password: pwd,
                                                 remoteCandidates: parameters.remoteCandidates.map(\.address),
                                                 audioBatch: engine.config.audioBatch, makeSession: makeSession)
        }
        logger.debug("media answer applied", metadata: [
            "local": "\(socket.localAddress)", "candidates": "\(parameters.remoteCandidates.count)",
            "dtls": "\(answered.localIsDTLSClient ? "client" : "server")",
        ])
        return UDPCallMedia(socket: placed, answerSDP: offerSDP, opusFormatParameters: MediaEngine.opusFmtp(answered.remote))
    }

    func close() async {
        await socket.close()
    }
}
