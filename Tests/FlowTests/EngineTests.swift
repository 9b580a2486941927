@testable import Flow
import Testing

@Suite struct EngineTests {
    @Test func stepBudgetStopsARunawayFlow() throws {
        let flow = try mustLoad("""
        name: loop
        start: a
        steps:
          a:
            play: welcome
            next: b
          b:
            play: welcome
            next: a
        """)
        var d = Driver(flow, budget: 5)
        d.send(.started, at: 0)
        for i in 1...5 { d.send(.promptFinished, at: Double(i)) }
        #expect(d.engine.outcome?.status == .budgetExceeded)
        #expect(d.actions.contains(.hangup(.stepBudgetExceeded)))
        #expect(d.engine.path.count == 5)
        #expect(d.engine.outcome?.reason == "more than 5 steps in one call")
    }

    @Test func callerHangUpEndsWithoutAHangupAction() throws {
        var d = Driver(try mustLoad("name: h\nstart: a\nsteps:\n  a:\n    play: x\n    next: b\n  b:\n    hangup: done\n"))
        d.send(.started, at: 0)
        let out = d.send(.callerHungUp, at: 1)
        #expect(out.count == 1)
        #expect(d.engine.outcome?.status == .callerHungUp)
        #expect(d.engine.outcome?.lastStep == "a")
        #expect(d.send(.promptFinished, at: 2) == [])   // events after the end are ignored
    }

    @Test func mediaFailureHangsUp() throws {
        var d = Driver(try mustLoad("name: h\nstart: a\nsteps:\n  a:\n    play: x\n    next: b\n  b:\n    hangup: done\n"))
        d.send(.started, at: 0)
        let out = d.send(.mediaFailed(reason: "no RTP for 30s"), at: 1)
        #expect(out.first == .hangup(.mediaFailed))
        #expect(d.engine.outcome?.status == .mediaFailed)
        #expect(d.engine.outcome?.reason == "no RTP for 30s")
    }

    static let httpFlow = """
    name: h
    start: call
    redact: [secret]
    vars: { secret: "s3cr3t" }
    steps:
      call:
        http:
          method: POST
          url: "https://api.example.com/x/{{call.from}}"
          headers: { Authorization: "Bearer {{vars.secret}}" }
          body: { n: 1, who: "{{call.from}}", tries: "{{1 + 1}}" }
          timeout: 2s
          save: { name: patient.name, first: slots.0 }
          on_error: oops
        next: done
      done:
        hangup: ok
      oops:
        hangup: http_failed
    """

    @Test func httpRequestIsRenderedAndResponseFieldsSaved() throws {
        var d = Driver(try mustLoad(Self.httpFlow))
        let out = d.send(.started, at: 0)
        #expect(out == [.http(HTTPCallOut(id: "call-1", method: "POST", url: "https://api.example.com/x/15550001111",
                                          headers: [("Authorization", "Bearer s3cr3t"), ("Content-Type", "application/json")],
                                          body: Array(#"{"n":1,"who":"15550001111","tries":2}"#.utf8), timeout: .seconds(2)))])
        #expect(d.deadline == 2)
        d.send(.httpResult(id: "call-1", status: 200, body: Array(#"{"patient":{"name":"Ann"},"slots":["Tue"]}"#.utf8)), at: 0.5)
        #expect(d.engine.variables["name"] == .string("Ann"))
        #expect(d.engine.variables["first"] == .string("Tue"))
        #expect(d.engine.variables["http_status"] == .number(200))
        #expect(d.engine.outcome?.reason == "ok")
        #expect(d.engine.outcome?.variables["secret"] == .string("***"))
        #expect(d.engine.variables["secret"] == .string("s3cr3t"))
    }

    @Test func httpTimeoutGoesToOnErrorAndALateAnswerIsIgnored() throws {
        var d = Driver(try mustLoad(Self.httpFlow))
        d.send(.started, at: 0)
        d.tick(at: 2)
        #expect(d.engine.outcome?.reason == "http_failed")
        #expect(d.engine.path.first?.exit == .httpError("timed out"))
        #expect(d.send(.httpResult(id: "call-1", status: 200, body: []), at: 3) == [])
    }

    @Test func httpErrorStatusGoesToOnError() throws {
        var d = Driver(try mustLoad(Self.httpFlow))
        d.send(.started, at: 0)
        d.send(.httpResult(id: "wrong-id", status: 200, body: []), at: 0.1)
        #expect(d.engine.outcome == nil)
        d.send(.httpResult(id: "call-1", status: 500, body: []), at: 0.2)
        #expect(d.engine.outcome?.reason == "http_failed")
        #expect(d.engine.variables["http_status"] == .number(500))
    }

    @Test func recordPlaysItsPromptThenRecords() throws {
        var d = Driver(try mustLoad("""
        name: r
        start: rec
        steps:
          rec:
            record: { prompt: beep, max_length: 30s, silence: 3s, into: msg }
            next: bye
          bye:
            hangup: done
        """))
        #expect(d.send(.started, at: 0) == [.play(prompts: ["beep"], bargeIn: false)])
        #expect(d.send(.promptFinished, at: 1) == [.record(path: "var/recordings/c1-rec.wav", maxSeconds: 30, silenceSeconds: 3, finishKey: "#")])
        #expect(d.deadline == 36)   // max_length + 5s: a safety net if the media side never reports the end
        d.send(.recordingFinished(path: "var/recordings/c1-rec.wav", seconds: 12.5), at: 14)
        #expect(d.engine.variables["msg"] == .string("var/recordings/c1-rec.wav"))
        #expect(d.engine.path.first?.exit == .recorded(12.5))
    }

    @Test func setAndBranchRunAtOnceAndThePathKeepsTimes() throws {
        var d = Driver(try mustLoad("""
        name: s
        start: hi
        vars: { n: 1 }
        steps:
          hi:
            play: x
            next: inc
          inc:
            set: { n: "{{vars.n + 1}}", label: "n is {{vars.n}}" }
            next: check
          check:
            branch:
              cases:
                - if: vars.n == 1
                  goto: one
                - if: vars.n >= 2 && vars.label in ["n is 1", "n is 2"]
                  goto: two
              else: one
          one:
            hangup: one
          two:
            hangup: two
        """))
        d.send(.started, at: 0)
        let out = d.send(.promptFinished, at: 3)
        #expect(out.prefix(2) == [.setVariable(name: "n", value: .number(2)), .setVariable(name: "label", value: .string("n is 2"))])  // assignments run in order
        #expect(d.engine.path.map(\.step) == ["hi", "inc", "check", "two"])
        #expect(d.engine.path.map(\.enteredAt) == [instant(0), instant(3), instant(3), instant(3)])
        #expect(d.engine.path[2].exit == .condition(#"vars.n >= 2 && vars.label in ["n is 1", "n is 2"]"#))
    }

    @Test func recordingThatNeverReportsItsEndMovesOnAfterTheGrace() throws {
        var d = Driver(try mustLoad("name: r\nstart: rec\nsteps:\n  rec:\n    record: { max_length: 10s, into: msg }\n    next: bye\n  bye:\n    hangup: done\n"))
        d.send(.started, at: 0)
        #expect(d.deadline == 15)
        d.tick(at: 15)
        #expect(d.engine.path.first?.exit == .recorded(10))
        #expect(d.engine.outcome?.reason == "done")
        #expect(d.send(.recordingFinished(path: "late", seconds: 10), at: 16) == [])
    }
}
