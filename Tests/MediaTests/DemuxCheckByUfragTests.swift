import Media
import Testing
import Wire

/// A connectivity check from an address no session knows reaches the session whose ufrag it names
/// (after its MESSAGE-INTEGRITY verified); once ICE validated the address, everything from it goes
/// to that session by address alone.
@Suite struct DemuxCheckByUfragTests {
    @Test func aValidCheckFindsItsSessionThenTheAddressCarriesEverything() throws {
        typealias F = DemuxFixtures
        var demux = SharedPortDemultiplexer<Int>()
        try demux.add(1, ufrag: "uf01", password: "password-one-password1", remoteCandidates: [F.callerA])
        try demux.add(2, ufrag: "uf02", password: "password-two-password2", remoteCandidates: [F.callerB])

        let check = try F.check(ufrag: "uf02", password: "password-two-password2")
        let routed1 = demux.route(check, from: F.callerB, now: F.now)
        #expect(routed1 == .session(2, .check))
        let routed2 = demux.route(F.rtp, from: F.callerB, now: F.now)
        #expect(routed2 == .drop(.unknownAddress(.rtp)),
                "RTP from an address not yet validated is dropped")

        let accepted3 = demux.validated(F.callerB, by: 2)
        #expect(accepted3)
        let routed4 = demux.route(F.rtp, from: F.callerB, now: F.now)
        #expect(routed4 == .session(2, .address))
        let routed5 = demux.route(F.dtls, from: F.callerB, now: F.now)
        #expect(routed5 == .session(2, .address))
        #expect(demux.counters.byCheck == 1 && demux.counters.byAddress == 2 && demux.counters.dropped == 1)

        demux.remove(2)
        let routed6 = demux.route(F.rtp, from: F.callerB, now: F.now)
        #expect(routed6 == .drop(.unknownAddress(.rtp)),
                "a removed session's addresses are forgotten")
    }
}
