import Media
import RTP
import Testing
import Wire

@Suite struct CallSessionTests {
    @Test func twoSessionsConnectAndCarryAudioBothWays() throws {
        let pair = try SessionPair()
        #expect(pair.run { pair.bothConnected })
        let frames: [[UInt8]] = (0..<10).map { [0x78, UInt8($0), 0xAA, 0xBB] }
        pair.a.play(frames: frames)
        pair.run(steps: 400) { pair.audio(pair.bEvents).filter { $0.payload.count == 4 }.count == 10 }
        let heard = pair.audio(pair.bEvents).filter { $0.payload.count == 4 }
        #expect(heard.map(\.payload) == frames)
        #expect(heard.first?.marker == true)
        #expect(heard.dropFirst().allSatisfy { !$0.marker })
        for (x, y) in zip(heard, heard.dropFirst()) {
            #expect(y.sequence == x.sequence &+ 1)
            #expect(y.timestamp == x.timestamp &+ 960)
        }
        // B sends silence frames meanwhile, so A hears B too.
        #expect(pair.audio(pair.aEvents).contains { $0.payload == [0xF8, 0xFF, 0xFE] })
    }

    @Test func icePacketLossAndReorderedHandshakeFlightsRecover() throws {
        let pair = try SessionPair()
        var stunDropped = 0
        pair.deliver = { _, bytes in
            if PacketClass.classify(bytes) == .stun, stunDropped < 4 {
                stunDropped += 1
                return false
            }
            return true
        }
        pair.reorder = { $0.reversed() }
        #expect(pair.run { pair.bothConnected })
        #expect(stunDropped == 4)
    }

    @Test func aLostDTLSFlightIsRetransmitted() throws {
        var config = SessionConfig()
        config.dtlsRetransmitTimeout = .milliseconds(100)
        let pair = try SessionPair(config: config)
        var dropped = false
        pair.deliver = { fromA, bytes in
            if fromA, !dropped, PacketClass.classify(bytes) == .dtls {
                dropped = true  // the first ClientHello
                return false
            }
            return true
        }
        #expect(pair.run(realTimeStall: .milliseconds(50)) { pair.bothConnected })
        #expect(dropped)
    }

    @Test func garbageIsCountedAndDroppedWithoutHarm() throws {
        let pair = try SessionPair()
        #expect(pair.run { pair.bothConnected })
        let before = pair.b.counters.dropped
        let junk: [[UInt8]] = [[], [0xFF, 0x00], [0x80], [0x80, 0x6F, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9], [0x16, 0xFE]]
        for bytes in junk { pair.b.handleDatagram(bytes, from: pair.aAddress, now: pair.now) }
        #expect(pair.b.counters.dropped == before + junk.count)
        #expect(pair.b.counters.lastDropReason != nil)
        #expect(pair.b.state == .connected)
        pair.a.play(frames: [[1, 2, 3, 4, 5]])
        #expect(pair.run(steps: 100) { pair.audio(pair.bEvents).contains { $0.payload == [1, 2, 3, 4, 5] } })
    }

    @Test func pacingIsFiftyFramesASecondWithoutDriftOverTenMinutes() throws {
        let pair = try SessionPair()
        #expect(pair.run { pair.bothConnected })
        let start = pair.now
        let sentBefore = pair.a.counters.rtpSent
        let end = start + .seconds(600)
        #expect(pair.run(steps: 2_000_000) { pair.now >= end })
        // Frames are due at start, start + 20 ms, …: 30,000 slots in ten minutes, ±1 at the edges.
        let sent = pair.a.counters.rtpSent - sentBefore
        #expect(abs(sent - 30_000) <= 1, "sent \(sent)")
        #expect(pair.a.state == .connected && pair.b.state == .connected)  // consent kept both ways
        #expect(pair.a.counters.rtcpSent >= 119)
        #expect(pair.b.counters.rtcpReceived >= 119)
        #expect(pair.b.counters.rtpReceived >= pair.a.counters.rtpSent - 2)
    }

    @Test func aStalledLoopSkipsAheadInsteadOfBursting() throws {
        let pair = try SessionPair()
        #expect(pair.run { pair.bothConnected })
        let sent = pair.a.counters.rtpSent
        pair.a.handleTimeout(now: pair.now + .seconds(5))
        #expect(pair.a.counters.rtpSent - sent <= 2)
    }

    @Test func closingSendsCloseNotifyAndThePeerSeesIt() throws {
        let pair = try SessionPair()
        #expect(pair.run { pair.bothConnected })
        pair.a.close(reason: .local(.hangup("completed")), now: pair.now)
        pair.run(steps: 20) { pair.bEvents.contains(.closed(reason: .peerClosed)) }
        #expect(pair.aEvents.last == .closed(reason: .local(.hangup("completed"))))
        #expect(pair.bEvents.last == .closed(reason: .peerClosed))
    }

    @Test func aSilentPeerFailsICEWithAPreciseReason() throws {
        let pair = try SessionPair()
        pair.deliver = { fromA, _ in !fromA }  // nothing A sends arrives
        pair.run(steps: 5000) { pair.aEvents.contains { if case .closed = $0 { return true } else { return false } } }
        guard case let .closed(reason)? = pair.aEvents.last else {
            Issue.record("A did not close: \(pair.aEvents)")
            return
        }
        guard case .ice(.noResponse) = reason else {
            Issue.record("expected an ICE no-response failure, got \(reason)")
            return
        }
        #expect(reason.description.hasPrefix("ICE failed: no STUN response"), "\(reason)")
    }

    @Test func theConnectDeadlineClosesASessionThatNeverConnects() throws {
        var config = SessionConfig()
        config.connectTimeout = .seconds(3)
        let pair = try SessionPair(config: config)
        pair.deliver = { _, _ in false }
        pair.run(steps: 5000) { pair.aEvents.contains { if case .closed = $0 { return true } else { return false } } }
        #expect(pair.aEvents.last == .closed(reason: .connectTimeout(phase: "ICE", after: .seconds(3))))
        if case let .closed(reason)? = pair.aEvents.last {
            #expect(reason.description == "media not connected within 3.0 seconds (ICE did not complete)")
        }
    }
}
