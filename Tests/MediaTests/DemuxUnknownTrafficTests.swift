import Media
import Testing
import Wire

/// What comes from an unknown address and is not a valid check for a known ufrag reaches no session:
/// it is dropped and counted, and a drop sends nothing back.
@Suite struct DemuxUnknownTrafficTests {
    @Test func everythingButAValidCheckIsDroppedAndCounted() throws {
        typealias F = DemuxFixtures
        var demux = SharedPortDemultiplexer<Int>()
        try demux.add(1, ufrag: "uf01", password: "password-one-password1", remoteCandidates: [F.callerA])

        let cases: [([UInt8], SharedPortDemultiplexer<Int>.DropReason)] = [
            (F.rtp, .unknownAddress(.rtp)),
            (F.dtls, .unknownAddress(.dtls)),
            ([0xFF, 0x00], .unknownAddress(.unknown)),
            ([0x00, 0x01, 0x00], .malformedSTUN),
            (try F.check(ufrag: "nobody", password: "password-one-password1"), .unknownUfrag),
            (try F.check(ufrag: "uf01", password: "not-the-password-at-all"), .integrityMismatch),
            (try F.check(ufrag: nil, password: "password-one-password1"), .noUsername),
            (try F.indication(), .unexpectedSTUN),
            (try F.response(id: 4), .unknownTransaction),
        ]
        for (bytes, reason) in cases {
            let routed1 = demux.route(bytes, from: F.stranger, now: F.now)
            #expect(routed1 == .drop(reason))
        }
        #expect(demux.counters.dropped == cases.count)
        #expect(demux.counters.lastDrop == .unknownTransaction)
        #expect(demux.counters.byCheck == 0 && demux.counters.byAddress == 0 && demux.counters.byResponse == 0)
        #expect(demux.session(at: F.stranger) == nil)
    }
}
