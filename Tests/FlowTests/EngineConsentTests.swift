import Foundation
@testable import Flow
import Testing

/// Scenario: a `record:` step with `consent:` announces the recording, takes the opt-out key during the
/// announcement and for `wait` after it, and records the answer (`recording_consent` and a
/// `.recordingConsent` action the call stores on its row). Opting out skips the recording.
@Suite struct EngineConsentTests {
    static let yaml = """
        name: vm
        start: message
        steps:
          message:
            record:
              consent:
                say: "This message is recorded. To leave no recording, press 9."
                opt_out_key: "9"
                wait: 2s
                on_opt_out: no_recording
              prompt: leave_message
              max_length: 30s
              into: recording
            next: saved
          saved: { play: message_saved, next: end }
          no_recording: { play: goodbye, next: end }
          end: { hangup: completed }
        """

    @Test func silenceThroughTheWindowGrantsAndRecords() throws {
        var d = Driver(try mustLoad(Self.yaml))
        let start = d.send(.started, at: 0)
        #expect(start.contains(.say(text: "This message is recorded. To leave no recording, press 9.", voice: "rms",
                                    language: "en-us", bargeIn: true)))
        #expect(start.contains(.listen(digits: true, keywords: [], language: nil)))
        d.send(.digit("5"), at: 1)           // not the opt-out key: ignored
        d.send(.promptFinished, at: 3)
        #expect(d.deadline == 5)
        let granted = d.tick(at: 5)
        #expect(granted.contains(.recordingConsent(granted: true)))
        #expect(granted.contains(.play(prompts: ["leave_message"], bargeIn: false)))
        #expect(d.engine.variables["recording_consent"] == .string("granted"))
        d.send(.promptFinished, at: 7)
        #expect(d.actions.contains { if case .record = $0 { return true } else { return false } })
    }

    @Test func theOptOutKeyDuringTheAnnouncementSkipsTheRecording() throws {
        var d = Driver(try mustLoad(Self.yaml))
        d.send(.started, at: 0)
        let declined = d.send(.digit("9"), at: 1)
        #expect(declined.first == .stopPlayback)
        #expect(declined.contains(.recordingConsent(granted: false)))
        #expect(declined.contains(.play(prompts: ["goodbye"], bargeIn: false)))
        #expect(!d.actions.contains { if case .record = $0 { return true } else { return false } })
        #expect(d.engine.path.first?.exit == .optedOut)
        #expect(d.engine.variables["recording_consent"] == .string("declined"))
    }

    @Test func theOptOutKeyAfterTheAnnouncementStillCounts() throws {
        var d = Driver(try mustLoad(Self.yaml))
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 3)
        let declined = d.send(.digit("9"), at: 4)
        #expect(!declined.contains(.stopPlayback))
        #expect(declined.contains(.recordingConsent(granted: false)))
        #expect(d.tick(at: 5).isEmpty || !d.actions.contains(.recordingConsent(granted: true)))
    }

    @Test func aConsentNeedsAnAnnouncementAndAKeyThatIsNotTheFinishKey() {
        let (_, diagnostics) = loadText("""
            name: x
            start: a
            steps:
              a:
                record:
                  consent: { opt_out_key: "9" }
                next: b
              b:
                record:
                  consent: { say: "Recorded; press pound to opt out.", opt_out_key: "#" }
                next: c
              c: { hangup: done }
            """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:6: step 'a': 'consent' needs 'say' (text) or 'prompt' (prompt ids) announcing the recording and the opt-out key",
            "test.yaml:10: step 'b': 'opt_out_key' '#' is also the recording's 'finish_on_key'; use another key",
        ])
    }
}
