import Media
import Testing
import Wire

/// Frames pulled together are timed by their samples; a jump of the clock restarts the timeline.
@Suite struct SampleTimelineTests {
    @Test func aBatchIsTimedBySamplesAndABreakRestartsIt() {
        var timeline = SampleTimeline(sampleRate: 16_000, tolerance: .milliseconds(500))
        let t0 = Instant(nanoseconds: 1_000_000_000)
        #expect(timeline.stamp(samples: 320, now: t0) == t0)
        #expect(timeline.stamp(samples: 320, now: t0) == t0 + .milliseconds(20))
        #expect(timeline.stamp(samples: 320, now: t0) == t0 + .milliseconds(40))
        #expect(timeline.stamp(samples: 320, now: t0 + .milliseconds(60)) == t0 + .milliseconds(60))
        let later = t0 + .seconds(2)
        #expect(timeline.stamp(samples: 320, now: later) == later)
        #expect(timeline.stamp(samples: 320, now: later) == later + .milliseconds(20))
    }
}
