import Logging
import Media
import NIOConcurrencyHelpers
import Wire

/// A call's media without sockets: the test connects it, presses keys (RFC 4733 payloads), fails it,
/// and reads what the call asked of it. A tagged play finishes at once (prompts take no time here).
final class FakeMediaChannel: CallMediaChannel, Sendable {
    struct Seen: Sendable {
        var plays: [Int] = []
        /// How many frames each play carried, in order.
        var frameCounts: [Int] = []
        var stops = 0
        var callerAudio: [Bool] = []
        var closed: [MediaCloseReason] = []
        var nextSequence: UInt16 = 1
        var nextTimestamp: UInt32 = 960
    }

    let answerSDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
    let events: AsyncStream<MediaEvent>
    let opusFormatParameters: [String: String] = ["useinbandfec": "1"]
    private let continuation: AsyncStream<MediaEvent>.Continuation
    let seen = NIOLockedValueBox(Seen())

    init() {
        (events, continuation) = AsyncStream.makeStream(of: MediaEvent.self)
    }

    func play(frames: [[UInt8]], tag: Int?) {
        seen.withLockedValue {
            $0.plays.append(tag ?? 0)
            $0.frameCounts.append(frames.count)
        }
        if let tag { continuation.yield(.playbackFinished(tag: tag, interrupted: false)) }
    }

    func stopPlayback() { seen.withLockedValue { $0.stops += 1 } }
    func setCallerAudioWanted(_ wanted: Bool) { seen.withLockedValue { $0.callerAudio.append(wanted) } }
    func counters() async -> MediaCounters { MediaCounters() }

    func close(reason: MediaCloseReason) async {
        seen.withLockedValue { $0.closed.append(reason) }
        continuation.yield(.closed(reason: reason))
        continuation.finish()
    }

    // MARK: What the test does

    func connect() {
        continuation.yield(.connected(remote: TransportAddress(ip: .v4([203, 0, 113, 9]), port: 3478),
                                      srtpProfile: "SRTP_AES128_CM_SHA1_80"))
    }

    /// One key press as RFC 4733 sends it: a start packet with the marker, then the end packet three times.
    func press(_ key: Character) {
        guard let code = TelephoneEventCode.code(for: key) else { return }
        let (seq, ts) = seen.withLockedValue { s -> (UInt16, UInt32) in
            defer {
                s.nextSequence &+= 4
                s.nextTimestamp &+= 8000
            }
            return (s.nextSequence, s.nextTimestamp)
        }
        continuation.yield(.telephoneEvent(payload: [code, 10, 0x01, 0x90], rtpTimestamp: ts, sequence: seq, marker: true))
        for i in 1...3 {
            continuation.yield(.telephoneEvent(payload: [code, 0x80 | 10, 0x03, 0x20], rtpTimestamp: ts,
                                               sequence: seq &+ UInt16(i), marker: false))
        }
    }

    func fail(_ reason: MediaCloseReason) {
        continuation.yield(.closed(reason: reason))
        continuation.finish()
    }
}

enum TelephoneEventCode {
    static func code(for key: Character) -> UInt8? {
        switch key {
        case "0"..."9": return key.asciiValue.map { $0 - 48 }
        case "*": return 10
        case "#": return 11
        default: return nil
        }
    }
}

/// Hands out fake channels, one per call, and lets the test find them by call id.
final class FakeMediaFactory: CallMediaFactory, Sendable {
    let channels = NIOLockedValueBox<[String: FakeMediaChannel]>([:])

    func answer(offer: String, callID: String, logger: Logger) async throws -> any CallMediaChannel {
        let channel = FakeMediaChannel()
        channels.withLockedValue { $0[callID] = channel }
        return channel
    }

    func channel(_ callID: String) -> FakeMediaChannel? { channels.withLockedValue { $0[callID] } }
}
