import DTLS
import Foundation
import Logging
import Media
import SDP
import Wire

extension MediaEngine: CallMediaOffering {
    /// Opens the call's socket (no session yet) and builds our offer naming its port.
    public func offer(callID: String, logger: Logger) async throws -> any PendingCallMedia {
        let socket = try await UDPMediaSocket<CallSession>.openUnbound(ip: config.ip, ports: config.ports, group: group,
                                                                       clock: clock)
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

/// Our offer and its socket, waiting for the answer.
final class OfferedMedia: PendingCallMedia {
    let engine: MediaEngine
    let socket: UDPMediaSocket<CallSession>
    let offerSDP: String
    let ufrag: String
    let pwd: String
    let cname: String

    init(engine: MediaEngine, socket: UDPMediaSocket<CallSession>, offerSDP: String, ufrag: String, pwd: String, cname: String) {
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
        try await socket.install(clock: clock) { local in
            try CallSession(parameters: session, certificate: certificate, localAddress: local, now: clock.now(),
                            unixNanoseconds: Int64(Date().timeIntervalSince1970 * 1e9), config: sessionConfig)
        }
        logger.debug("media answer applied", metadata: [
            "local": "\(socket.localAddress)", "candidates": "\(parameters.remoteCandidates.count)",
            "dtls": "\(answered.localIsDTLSClient ? "client" : "server")",
        ])
        return UDPCallMedia(socket: socket, answerSDP: offerSDP, opusFormatParameters: MediaEngine.opusFmtp(answered.remote))
    }

    func close() async {
        await socket.close()
    }
}
