import Media
import Testing
import Wire

/// Two sessions on one socket cannot share a remote address (nothing would tell their packets apart):
/// the demultiplexer refuses the second, so the transport places it on another port.
@Suite struct DemuxRemoteConflictTests {
    @Test func aSharedRemoteAddressOrUfragIsRefused() throws {
        typealias F = DemuxFixtures
        var demux = SharedPortDemultiplexer<Int>()
        try demux.add(1, ufrag: "uf01", password: "password-one-password1", remoteCandidates: [F.callerA])

        #expect(throws: SharedPortDemultiplexer<Int>.AddError.remoteAddressInUse(F.callerA)) {
            try demux.add(2, ufrag: "uf02", password: "password-two-password2", remoteCandidates: [F.callerB, F.callerA])
        }
        #expect(throws: SharedPortDemultiplexer<Int>.AddError.ufragInUse("uf01")) {
            try demux.add(3, ufrag: "uf01", password: "password-three-passwd3", remoteCandidates: [F.callerB])
        }
        #expect(demux.memberCount == 1)

        try demux.add(2, ufrag: "uf02", password: "password-two-password2", remoteCandidates: [F.callerB])
        let accepted1 = demux.validated(F.callerA, by: 2)
        #expect(!accepted1, "another member's candidate is not taken over")
        let accepted2 = demux.validated(F.callerA, by: 1)
        #expect(accepted2)
        let accepted3 = demux.validated(F.stranger, by: 9)
        #expect(!accepted3, "an unknown member validates nothing")

        demux.remove(1)
        #expect(demux.conflict(remoteCandidates: [F.callerA]) == nil, "removing a session frees its addresses")
        try demux.add(3, ufrag: "uf01", password: "password-three-passwd3", remoteCandidates: [F.callerA])
    }
}
