@testable import IVRApp
import Testing

/// The CPU mask as Linux writes it in /proc/<pid>/status.
@Suite struct CPUAffinityTests {
    @Test func theMaskIsCountedBitByBitAcrossWords() {
        #expect(CPUAffinity.count(procStatus: "Name:\tivrd\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n") == 1)
        #expect(CPUAffinity.count(procStatus: "Cpus_allowed:\t3\n") == 2)
        #expect(CPUAffinity.count(procStatus: "Cpus_allowed:\tffffffff,ffffffff\n") == 64)
        #expect(CPUAffinity.count(procStatus: "Cpus_allowed:\t00000000,00000a05\n") == 4)
    }

    @Test func anUnreadableMaskIsNoAnswer() {
        #expect(CPUAffinity.count(procStatus: "Name:\tivrd\n") == nil)
        #expect(CPUAffinity.count(procStatus: "Cpus_allowed:\tzz\n") == nil)
        #expect(CPUAffinity.count(procStatus: "Cpus_allowed:\t0\n") == nil)
    }

    @Test func thisProcessHasAtLeastOneCPU() {
        #expect((CPUAffinity.count() ?? 0) >= 1)
    }
}
