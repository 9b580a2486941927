import Flow
import Foundation
@testable import IVRApp
import Testing

/// The recordings folder cannot be made (a regular file stands where it should be): the `record` step fails
/// with the reason, its `into` stays empty, and the flow goes to `on_error` instead of thanking the caller for a
/// message that was never saved.
@Suite struct RecordingCannotBeOpenedTests {
    @Test func theFlowGoesToOnErrorAndNothingClaimsAFile() throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-not-a-dir-\(UUID().uuidString)")
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let d = try RunnerDriver(flow: """
            name: voicemail
            start: rec
            steps:
              rec:
                record: { max_length: 30s, into: msg, on_error: sorry }
                next: thanks
              thanks:
                hangup: saved
              sorry:
                hangup: not_saved
            """, recordingsDirectory: blocker.appendingPathComponent("sub").path)
        d.start()
        #expect(d.events(.error).contains { $0.hasPrefix("record: ") })
        #expect(d.events(.step).contains("sorry"), "\(d.events(.step))")
        #expect(!d.events(.step).contains("thanks"))
        #expect(d.events(.exit).contains { $0.contains("recording failed (cannot open the recording file") }, "\(d.events(.exit))")
        #expect(d.hungUp)
    }
}
