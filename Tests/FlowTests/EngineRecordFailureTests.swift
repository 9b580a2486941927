import Testing
@testable import Flow

/// A recording that fails (the file cannot be opened, the disk fills up): the flow is told, leaves `into` empty
/// and goes to the step's `on_error`, else `next`, so it never thanks the caller for a message that was lost.
@Suite struct EngineRecordFailureTests {
    static func flow(onError: Bool) throws -> Flow {
        try mustLoad("""
        name: r
        start: rec
        steps:
          rec:
            record: { max_length: 30s, into: msg\(onError ? ", on_error: sorry" : "") }
            next: saved
          saved:
            hangup: done
          sorry:
            hangup: done
        """)
    }

    @Test func aFailedRecordingGoesToOnError() throws {
        var d = Driver(try Self.flow(onError: true))
        #expect(d.send(.started, at: 0) == [.record(path: "var/recordings/c1-rec.wav", maxSeconds: 30, silenceSeconds: 5, finishKey: "#")])
        d.send(.recordingFailed(reason: "No space left on device"), at: 4)
        #expect(d.engine.variables["msg"] == .string(""))
        #expect(d.engine.path.first?.exit == .recordingError("No space left on device"))
        #expect(d.engine.path.first?.exit?.description == "recording failed (No space left on device)")
        #expect(d.engine.path.map(\.step) == ["rec", "sorry"])
        // The safety-net timer of the recording is gone: a late end report changes nothing.
        #expect(d.send(.recordingFinished(path: "late", seconds: 30), at: 40) == [])
    }

    @Test func withoutOnErrorItGoesToNextWithIntoEmpty() throws {
        var d = Driver(try Self.flow(onError: false))
        d.send(.started, at: 0)
        d.send(.recordingFailed(reason: "cannot open the recording file"), at: 1)
        #expect(d.engine.variables["msg"] == .string(""))
        #expect(d.engine.path.map(\.step) == ["rec", "saved"])
    }

    @Test func onErrorMustNameAStep() {
        let (flow, diagnostics) = loadText("""
        name: r
        start: rec
        steps:
          rec:
            record: { into: msg, on_error: nowhere }
            next: done
          done:
            hangup: done
        """)
        #expect(flow == nil)
        #expect(diagnostics.contains { $0.description.contains("nowhere") }, "\(diagnostics)")
    }
}
