import Foundation
@testable import IVRApp
import Testing

/// The start-up line names the libsrtp2 file the process loaded (`/proc/self/maps`).
@Suite struct LoadedLibraryTests {
    @Test func findsTheLibraryInThisProcess() throws {
        let path = try #require(LoadedLibrary.path(named: "libsrtp2.so"))
        #expect(path.hasPrefix("/"))
        #expect(path.split(separator: "/").last?.hasPrefix("libsrtp2.so") == true)
    }

    @Test func readsTheMapsFormatAndIgnoresNamesThatOnlyContainIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("maps-\(UUID().uuidString)")
        try """
            7f0000000000-7f0000001000 r--p 00000000 fd:01 11 /opt/not-libsrtp2.so.1/other.so
            7f0000002000-7f0000003000 r-xp 00000000 fd:01 12 /usr/local/lib/ivrd srtp/libsrtp2.so.1
            7f0000004000-7f0000005000 rw-p 00000000 00:00 0 [heap]
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(LoadedLibrary.path(named: "libsrtp2.so", maps: file.path) == "/usr/local/lib/ivrd srtp/libsrtp2.so.1")
        #expect(LoadedLibrary.path(named: "libnothing.so", maps: file.path) == nil)
        #expect(LoadedLibrary.path(named: "libsrtp2.so", maps: "/nonexistent/maps") == nil)
    }
}
