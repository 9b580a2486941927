import Media
import Testing
import Wire

/// While the caller's packets keep coming, each batch pulls the jitter buffer on arrival and the
/// pipeline asks for no timer (its playout deadline is held to 150 ms after the last packet);
/// once they stop, its deadlines play the buffer out and then there is none.
@Suite struct AudioIdleRuleTests {
    @Test func noTimerWhilePacketsFlow() throws {
        let caller = try CallerHarness()
        caller.pipeline.setListening(true)
        try caller.say(CallerSignals.voice(.milliseconds(1200)))  // 60 frames: the last batch comes at audioEnd
        try caller.run(until: caller.audioEnd)
        #expect(caller.timeouts == 0)
        let deadline = try #require(caller.pipeline.nextDeadline())
        #expect(deadline == caller.audioEnd + .milliseconds(150))

        try caller.run(for: .seconds(1))
        #expect(caller.timeouts > 0)
        #expect(caller.pipeline.nextDeadline() == nil)
    }
}
