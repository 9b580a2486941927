import Media
import Testing
import Wire

@Suite struct OutOfBandRTPTests {
    @Test func aTelephoneEventSharesTheAudioStreamsSequenceAndArrivesAsSuch() throws {
        let pair = try SessionPair()
        #expect(pair.run { pair.bothConnected })
        pair.run(steps: 20)
        let ts = pair.a.nextRTPTimestamp
        let payload: [UInt8] = [1, 0x0A, 0x00, 0xA0]  // key 1, volume 10, duration 160
        pair.a.sendRTP(payloadType: 126, payload: payload, marker: true, timestamp: ts)
        pair.run(steps: 20)
        let events = pair.bEvents.compactMap { e -> (UInt16, UInt32, Bool)? in
            if case let .telephoneEvent(p, t, s, m) = e, p == payload { return (s, t, m) }
            return nil
        }
        #expect(events.count == 1)
        #expect(events.first?.1 == ts)
        #expect(events.first?.2 == true)
        // The audio frames around it number on from the event's sequence number, without a gap.
        let arrivals = pair.bEvents.compactMap { e -> UInt16? in
            switch e {
            case let .audio(_, _, s, _), let .telephoneEvent(_, _, s, _): return s
            default: return nil
            }
        }
        #expect(arrivals.count > 10)
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
    }

    @Test func beforeTheSessionConnectsNothingIsSentAndTheDropIsCounted() throws {
        let pair = try SessionPair()
        pair.a.sendRTP(payloadType: 126, payload: [1, 0, 0, 0], marker: true, timestamp: 0)
        #expect(pair.a.counters.rtpSent == 0)
        #expect(pair.a.counters.lastDropReason == "RTP sent before the session connected")
    }

    @Test func histogramsMergeCountsAndMaximum() {
        var a = LatenessHistogram(), b = LatenessHistogram()
        a.record(.microseconds(100))
        b.record(.microseconds(900))
        b.record(.milliseconds(3))
        a.merge(b)
        #expect(a.count == 3)
        #expect(a.maxMicros == 3000)
        #expect(a.quantileMicros(0.5) == 1000)
    }
}
