@testable import Media
import Testing
import Wire

/// The sender's queue of plays, on a manual clock: frames go out in order, each play's tag with its
/// last frame, and barge-in reports the plays it cut.
@Suite("RTP sender: queued plays")
struct RTPSenderPlaysTests {
    let start = Instant(nanoseconds: 1_000_000_000)

    func sender() -> RTPSender {
        var s = RTPSender(ssrc: 7, sequence: 100, timestamp: 0, payloadType: 111, samplesPerFrame: 960,
                          frameInterval: .milliseconds(20))
        s.start(at: start)
        return s
    }

    /// Takes `count` frames at their due times, from slot `from` on.
    func take(_ s: inout RTPSender, _ count: Int, from slot: Int) -> [RTPSender.Frame] {
        (0..<count).compactMap { i in
            s.nextDue(now: start + .milliseconds(20 * (slot + i)), maxLag: .seconds(1))
        }
    }

    @Test("plays go out back to back; each tag comes with its play's last frame; an empty play is done at once")
    func tagsAtLastFrames() {
        var s = sender()
        let finished = [s.enqueue([[1], [2], [3]], tag: 10), s.enqueue([], tag: 11), s.enqueue([[4]], tag: nil),
                        s.enqueue([[5], [6]], tag: 12)]
        #expect(finished == [false, true, false, false])
        #expect(s.queued == 6)
        let frames = take(&s, 8, from: 0)
        #expect(frames.map(\.payload) == [[1], [2], [3], [4], [5], [6], RTPSender.silenceFrame, RTPSender.silenceFrame])
        #expect(frames.map(\.endsPlay) == [nil, nil, 10, nil, nil, 12, nil, nil])
        #expect(frames.map(\.marker) == [true, false, false, false, false, false, false, false])
        #expect(frames.map(\.sequence) == Array(100..<108))
        #expect(s.queued == 0)
    }

    @Test("barge-in drops the rest and reports the tags of every play not finished, the current one first")
    func clearCutsUnfinishedPlays() {
        var s = sender()
        _ = s.enqueue([[1], [2]], tag: 1)
        _ = s.enqueue([[3], [4]], tag: 2)
        _ = s.enqueue([[5]], tag: nil)
        _ = s.enqueue([[6]], tag: 3)
        let sent = take(&s, 3, from: 0)
        #expect(sent.map(\.endsPlay) == [nil, 1, nil])
        #expect(s.queued == 3)
        let cut = s.clear()
        #expect(cut == [2, 3])
        #expect(s.queued == 0)
        #expect(take(&s, 1, from: 3).map(\.isSilence) == [true])
        // Queuing after a barge-in starts a new talkspurt.
        _ = s.enqueue([[7]], tag: 4)
        let next = take(&s, 1, from: 4)
        #expect(next.map(\.payload) == [[7]] && next.map(\.endsPlay) == [4] && next.map(\.marker) == [true])
    }

    @Test("a long call of many short plays keeps order and tags while finished plays are dropped")
    func manyPlays() {
        var s = sender()
        var slot = 0
        var ended: [Int] = []
        for round in 0..<200 {
            _ = s.enqueue([[UInt8(round % 256)], [UInt8((round + 1) % 256)]], tag: round)
            // Leave a play queued now and then, so compaction happens with plays pending.
            let frames = take(&s, round % 3 == 0 ? 1 : 3, from: slot)
            slot += frames.count
            ended += frames.compactMap(\.endsPlay)
        }
        let left = s.queued
        ended += take(&s, left, from: slot).compactMap(\.endsPlay)
        #expect(ended == Array(0..<200))
        #expect(s.queued == 0)
    }
}
