import Media
import Testing
import Wire

/// Our own checks go to remote candidates not yet validated: their responses find the session by
/// transaction ID, only from the address the check went to, only once, and only while fresh.
@Suite struct DemuxResponseByTransactionTests {
    @Test func aResponseFollowsTheCheckItAnswers() throws {
        typealias F = DemuxFixtures
        var demux = SharedPortDemultiplexer<Int>(transactionLifetime: .seconds(10))
        try demux.add(1, ufrag: "uf01", password: "password-one-password1", remoteCandidates: [F.callerA])

        demux.sent(try F.request(id: 1), to: F.callerA, by: 1, now: F.now)
        demux.sent(try F.request(id: 2), to: F.callerA, by: 1, now: F.now)
        demux.sent(F.rtp, to: F.callerA, by: 1, now: F.now)
        #expect(demux.pendingTransactions == 2, "only Binding requests are remembered")

        let routed1 = demux.route(try F.response(id: 1), from: F.stranger, now: F.now)

        #expect(routed1 == .drop(.unknownTransaction),
                "from another address than the check went to")
        let routed2 = demux.route(try F.response(id: 1), from: F.callerA, now: F.now)
        #expect(routed2 == .session(1, .response))
        let routed3 = demux.route(try F.response(id: 1), from: F.callerA, now: F.now)
        #expect(routed3 == .drop(.unknownTransaction),
                "a transaction is answered once")
        let routed4 = demux.route(try F.response(id: 2), from: F.callerA, now: F.now + .seconds(11))
        #expect(routed4
            == .drop(.unknownTransaction), "too late")

        let accepted5 = demux.validated(F.callerA, by: 1)
        #expect(accepted5)
        demux.sent(try F.request(id: 3), to: F.callerA, by: 1, now: F.now)
        #expect(demux.pendingTransactions == 1, "checks to a validated address are not remembered")
        let routed6 = demux.route(try F.response(id: 3), from: F.callerA, now: F.now)
        #expect(routed6 == .session(1, .address))
    }

    @Test func theTableIsBounded() throws {
        typealias F = DemuxFixtures
        var demux = SharedPortDemultiplexer<Int>(transactionLifetime: .seconds(10), maxPendingTransactions: 2)
        try demux.add(1, ufrag: "uf01", password: "password-one-password1", remoteCandidates: [F.callerA])
        for id in UInt8(1)...3 { demux.sent(try F.request(id: id), to: F.callerA, by: 1, now: F.now) }
        #expect(demux.pendingTransactions == 2 && demux.counters.transactionsNotRecorded == 1)
        demux.sent(try F.request(id: 4), to: F.callerA, by: 1, now: F.now + .seconds(11))
        #expect(demux.pendingTransactions == 1, "expired entries make room")
    }
}
