import DTMF
import Media
import Testing
import Wire

/// A press whose end packets never come is reported at the receiver's end timeout, which the
/// pipeline's deadline includes.
@Suite struct LostTelephoneEventEndTests {
    @Test func thePressIsReportedAtItsDeadline() throws {
        let pipeline = try CallerAudioPipeline()
        let t0 = Instant(nanoseconds: 2_000_000_000)
        let packets = try TelephoneEventSender().packets(
            digit: "9", duration: .milliseconds(200), rtpTimestamp: 48_000, firstSequence: 1, start: t0)
        let kept = packets.filter { !$0.event.isEnd }
        for p in kept {
            try pipeline.handleTelephoneEvent(payload: p.payload, rtpTimestamp: p.rtpTimestamp, sequence: p.sequence,
                                              marker: p.marker, now: p.sendTime)
        }
        #expect(pipeline.pollOutput() == nil)
        let last = try #require(kept.last).sendTime
        let deadline = try #require(pipeline.nextDeadline())
        #expect(deadline > last)
        pipeline.handleTimeout(now: deadline + .nanoseconds(-1))
        #expect(pipeline.pollOutput() == nil)
        pipeline.handleTimeout(now: deadline)
        #expect(pipeline.pollOutput() == .digit("9", via: .rfc4733))
        #expect(pipeline.pollOutput() == nil)
        #expect(pipeline.nextDeadline() == nil)
    }
}
