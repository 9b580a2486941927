import AsyncHTTPClient
import DTLS
import Foundation
import Hashing
import Media
import MediaTransport
import NIOCore
import NIOHTTP1
import SDP
import Wire

/// The script every call of a run follows, and where it sends things.
struct CallPlan: Sendable {
    var webhookURL: String
    var secret: String
    var mediaIP: String
    var ports: ClosedRange<Int>
    /// The key press this long after media connects (the menu has played by then).
    var pressAfter: Duration
    /// Hang up ourselves this long after connecting if the server has not ended the call
    /// (a server without a flow never does); nil: wait for the server's `terminate` up to `maxCall`.
    var hangUpAfter: Duration?
    var maxCall: Duration
    var setupTimeout: Duration = .seconds(20)
}

/// What one call measured.
struct CallResult: Sendable {
    var failure: String?
    var webhookToPreAccept: Duration?
    var connectToFirstAudio: Duration?
    /// Media connected → call ended.
    var mediaSeconds: Double = 0
    var stats = CallerStats()
    var serverHungUp = false
}

/// One WhatsApp-shaped call against the server: signed `connect` → `pre_accept`/`accept` →
/// ICE/DTLS → the menu prompt → a DTMF key → the next prompt → hang-up → `terminate` webhook.
struct LoadCall {
    let index: Int
    let plan: CallPlan
    let graph: LoadGraph
    let http: HTTPClient
    let certificate: DTLSCertificate
    let voice: [[UInt8]]
    let clock: any MonotonicClock
    let live: LiveCount

    func run() async -> CallResult {
        var result = CallResult()
        let callID = "wacid.LOAD\(index)-\(UInt32.random(in: 0...UInt32.max))"
        let from = String(format: "1555%07d", index)
        let actions = Mailbox<LoadGraph.Action>()
        let stream = graph.register(callID)
        let forward = Task { for await a in stream { actions.put(a) } }
        defer { graph.unregister(callID); forward.cancel() }

        let socket: UDPMediaSocket<CallerSession>
        do {
            let voice = self.voice
            socket = try await UDPMediaSocket<CallerSession>.open(ip: plan.mediaIP, ports: plan.ports, clock: clock) { local in
                CallerSession(local: local, voice: voice)
            }
        } catch {
            result.failure = "caller socket: \(error)"
            return result
        }
        let media = Mailbox<MediaEvent>()
        let mediaForward = Task { for await e in socket.events { media.put(e) } }
        defer { mediaForward.cancel() }

        let ufrag = Self.token(8), pwd = Self.token(24)
        let offer = WhatsAppShapes.offer(ufrag: ufrag, pwd: pwd, fingerprint: certificate.fingerprintString,
                                         ip: plan.mediaIP, port: Int(socket.localAddress.port),
                                         ssrc: UInt32.random(in: 1...UInt32.max), sessionID: UInt64.random(in: 1...1 << 62))
        let t0 = clock.now()
        let wallStart = Date()
        do {
            let status = try await post(WhatsAppShapes.connect(callID: callID, from: from, offer: offer))
            guard status == 200 else {
                await socket.close()
                result.failure = "connect webhook answered \(status)"
                return result
            }
        } catch {
            await socket.close()
            result.failure = "connect webhook: \(error)"
            return result
        }
        // pre_accept carries the answer; WhatsApp applies it at once so media can connect.
        guard case let .preAccept(answer, at)? = await actions.next(timeout: plan.setupTimeout) else {
            await socket.close()
            result.failure = "no pre_accept"
            return result
        }
        result.webhookToPreAccept = at - t0
        do {
            let parameters = try Self.parameters(answer: answer, ufrag: ufrag, pwd: pwd)
            let certificate = self.certificate, clock = self.clock
            let startError = await socket.read { session -> String? in
                do {
                    try session.start(parameters: parameters, certificate: certificate, now: clock.now())
                    return nil
                } catch { return "\(error)" }
            }
            socket.withSession { _, _ in }  // sends the first checks now
            if let startError, let startError { throw LoadError(startError) }
        } catch {
            await socket.close()
            result.failure = "answer: \(error)"
            return result
        }
        var connectedAt: Instant?
        while connectedAt == nil {
            switch await media.next(timeout: plan.setupTimeout) {
            case .connected?: connectedAt = clock.now()
            case let .closed(reason)?:
                result.failure = "media: \(reason)"
            case nil: result.failure = "media did not connect"
            default: continue
            }
            if result.failure != nil {
                await socket.close()
                return result
            }
        }
        live.add(1)
        socket.setAudioWanted(false)  // the callers' measurements are taken as datagrams arrive
        let connected = connectedAt ?? t0
        // The key press, once the menu has played.
        let untilPress = connected + plan.pressAfter - clock.now()
        if untilPress > .zero { try? await Task.sleep(for: untilPress) }
        await socket.perform { session, now in try? session.press("1", duration: .milliseconds(160), now: now) }
        // Wait for the server to hang up (or hang up ourselves when the server has no flow).
        let deadline = connected + (plan.hangUpAfter ?? plan.maxCall)
        var accepted = false
        while true {
            let left = deadline - clock.now()
            if left <= .zero { break }
            guard let action = await actions.next(timeout: left) else { break }
            if case .accept = action { accepted = true }
            if case .terminate = action {
                result.serverHungUp = true
                break
            }
        }
        let ended = clock.now()
        live.add(-1)
        result.mediaSeconds = (ended - connected).seconds
        if let stats = await socket.read({ $0.stats }) { result.stats = stats }
        if let first = result.stats.firstAudioAt { result.connectToFirstAudio = first - t0 }
        await socket.perform { session, now in session.close(reason: .local(.finished), now: now) }
        await socket.close()
        _ = try? await post(WhatsAppShapes.terminate(callID: callID, from: from, start: wallStart, end: Date()))
        if !accepted { result.failure = "no accept" }
        else if plan.hangUpAfter == nil && !result.serverHungUp { result.failure = "the server never hung up" }
        else if result.stats.firstAudioAt == nil { result.failure = "no audio" }
        return result
    }

    private func post(_ body: Data) async throws -> Int {
        var request = HTTPClientRequest(url: plan.webhookURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: WhatsAppShapes.signature(body, secret: plan.secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Our view of the server from its answer: we are the ice-lite side (it controls) and the
    /// DTLS server (it answered `a=setup:active`).
    static func parameters(answer: String, ufrag: String, pwd: String) throws -> SessionParameters {
        let description = try SessionDescription(parsing: answer)
        guard let audio = description.media.first(where: { $0.kind == "audio" }),
              let remoteUfrag = audio.iceUfrag,
              let remotePwd = audio.icePwd,
              let fingerprint = audio.fingerprints.first ?? description.fingerprints.first,
              let opus = audio.rtpMaps.first(where: { $0.encoding.lowercased() == "opus" }) else {
            throw LoadError("the answer lacks an audio line with ICE credentials, a fingerprint and Opus")
        }
        let candidates = audio.candidates.compactMap { c -> SessionParameters.RemoteCandidate? in
            guard let ip = IPAddress(c.address), !ip.isIPv6 else { return nil }
            return .init(address: TransportAddress(ip: ip, port: c.port), priority: c.priority, foundation: c.foundation)
        }
        let dtmf = audio.rtpMaps.first { $0.encoding.lowercased() == "telephone-event" }?.payloadType
        var p = SessionParameters(localUfrag: ufrag, localPwd: pwd, remoteUfrag: remoteUfrag, remotePwd: remotePwd,
                                  remoteFingerprint: fingerprint.bytes, remoteCandidates: candidates,
                                  remoteIsLite: false, opusPayloadType: opus.payloadType,
                                  telephoneEventPayloadType: dtmf, cname: "wa-audio-cname")
        p.iceControlling = false
        p.dtlsClient = false
        return p
    }

    static func token(_ count: Int) -> String {
        let chars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String(SecureRandom.bytes(count).map { chars[Int($0) % chars.count] })
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
