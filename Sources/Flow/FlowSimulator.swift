import Foundation
import Wire

/// Runs a flow against scripted caller input and canned HTTP answers, with a manual clock,
/// and writes a readable transcript. Prompts last `promptDuration` each; a recording runs until
/// the caller presses the finish key, hangs up, or the maximum length passes.
public struct FlowSimulator: Sendable {
    public struct Result: Sendable {
        public var transcript: String
        public var outcome: FlowOutcome?
        public var followup: FollowupMessage?
        public var variables: [String: FlowValue]
        public var actions: [FlowAction]
    }

    public let flow: Flow
    public var call: CallInfo
    public var fixtures: HTTPFixtures
    public var promptDuration: Duration
    public var stepBudget: Int

    public init(flow: Flow, call: CallInfo? = nil, fixtures: HTTPFixtures = HTTPFixtures(),
                promptDuration: Duration = .seconds(2), stepBudget: Int = 200) {
        self.flow = flow
        self.call = call ?? CallInfo(callID: "sim-1", from: "15550001111", phoneNumberID: flow.numbers.first ?? "000000000000000",
                                     callerName: "Sam")
        self.fixtures = fixtures
        self.promptDuration = promptDuration
        self.stepBudget = stepBudget
    }

    public func run(_ inputs: [SimulatorInput]) -> Result {
        var run = SimulationRun(simulator: self)
        run.start()
        var pending = inputs.flatMap { input -> [SimulatorInput] in
            if case let .digits(keys) = input { return keys.map { .digits(String($0)) } }
            return [input]
        }[...]
        var guardCount = 0
        while !run.engine.isFinished, guardCount < 10_000 {
            guardCount += 1
            guard let input = pending.first else {
                if !run.advance(until: nil) {
                    run.note("no more input: the caller hangs up")
                    run.deliver(.callerHungUp)
                }
                continue
            }
            if run.needsPromptEnd(before: input) {
                _ = run.advance(until: nil)
                continue
            }
            pending = pending.dropFirst()
            run.apply(input)
        }
        return run.result()
    }
}

/// The state of one simulation: the engine, the simulated media and the transcript.
struct SimulationRun {
    let simulator: FlowSimulator
    var engine: FlowEngine
    var now = Instant(nanoseconds: 0)
    var lines: [String] = []
    var playingUntil: Instant?
    var playBargeIn = false
    var recording: (start: Instant, end: Instant, finishKey: Character?, path: String)?
    var listeningDigits = false
    var actions: [FlowAction] = []
    var pathLogged = 0

    init(simulator: FlowSimulator) {
        self.simulator = simulator
        self.engine = FlowEngine(flow: simulator.flow, call: simulator.call, now: Instant(nanoseconds: 0), stepBudget: simulator.stepBudget)
    }

    mutating func start() {
        lines.append("simulating flow '\(simulator.flow.name)' (\(simulator.flow.file)), call from \(simulator.call.from) to \(simulator.call.phoneNumberID)"
                     + (simulator.call.startedAt.map { " at \(SimulatedMoment.format($0))" } ?? ""))
        deliver(.started)
    }

    func stamp() -> String { String(format: "[%6.1fs]", Double(now.nanoseconds) / 1e9) }

    /// Adds a transcript line, with the values of `redact` variables masked.
    mutating func note(_ text: String) {
        var line = text
        for name in simulator.flow.redact {
            if case let .string(secret)? = engine.variables[name], secret.count >= 3 {
                line = line.replacingOccurrences(of: secret, with: "***")
            }
        }
        lines.append("\(stamp())   \(line)")
    }

    func shown(_ name: String, _ value: FlowValue) -> String {
        simulator.flow.redact.contains(name) ? "***" : value.quoted
    }

    /// Hands an event to the engine and plays out everything it asks for.
    mutating func deliver(_ event: FlowEvent) {
        var events = [event]
        while !events.isEmpty {
            engine.handle(events.removeFirst(), now: now)
            events += drain()
        }
    }

    mutating func drain() -> [FlowEvent] {
        var follow: [FlowEvent] = []
        while let (action, pathCount) = engine.pollActionWithPathCount() {
            logSteps(upTo: pathCount)
            actions.append(action)
            switch action {
            case let .play(prompts, bargeIn):
                if playingUntil != nil { follow.append(.promptFinished) }
                playingUntil = now + simulator.promptDuration * prompts.count
                playBargeIn = bargeIn
                let language = engine.promptLanguage.map { " [\($0)]" } ?? ""
                note("play \(prompts.joined(separator: ", "))\(language)\(bargeIn ? " (barge-in)" : "")")
            case let .say(text, voice, language, bargeIn):
                if playingUntil != nil { follow.append(.promptFinished) }
                playingUntil = now + simulator.promptDuration
                playBargeIn = bargeIn
                note("say \"\(text)\" (voice \(voice), \(language))\(bargeIn ? " (barge-in)" : "")")
            case let .recordingConsent(granted):
                note("recording consent: \(granted ? "granted" : "declined")")
            case .stopPlayback:
                note("stop playback")
                if playingUntil != nil {
                    playingUntil = nil
                    follow.append(.promptFinished)
                }
            case let .listen(digits, keywords, _):
                listeningDigits = digits
                note("listen for " + (digits ? "keys" : "") + (keywords.isEmpty ? "" : (digits ? " and " : "") + "words: " + keywords.joined(separator: ", ")))
            case .stopListening:
                listeningDigits = false
            case let .http(request):
                let (id, method, url, body) = (request.id, request.method, request.url, request.body)
                note("http \(method) \(url)" + (body.map { " " + String(decoding: $0, as: UTF8.self) } ?? ""))
                if let r = simulator.fixtures.response(method: method, url: url) {
                    if let failure = r.failure {
                        note("http failed: \(failure)")
                        follow.append(.httpFailed(id: id, reason: failure))
                    } else {
                        note("http \(r.status) \(String(decoding: r.body, as: UTF8.self))")
                        follow.append(.httpResult(id: id, status: r.status, body: r.body))
                    }
                } else {
                    note("http failed: no fixture for '\(method) \(url)'")
                    follow.append(.httpFailed(id: id, reason: "no fixture"))
                }
            case let .record(path, maxSeconds, _, finishKey):
                recording = (now, now + .nanoseconds(Int64(maxSeconds * 1e9)), finishKey, path)
                note("record to \(path) (at most \(FlowValue.format(maxSeconds))s)")
            case let .hangup(reason):
                note("hang up: \(reason)")
            case let .setVariable(name, value):
                note("set \(name) = \(shown(name, value))")
            case let .scheduleCall(request):
                let vars = request.variables.keys.sorted().map { "\($0)=\(shown($0, .string(request.variables[$0] ?? "")))" }
                note("would schedule a call to +\(request.to) at \(request.localTime) into flow '\(request.flow)'"
                     + (vars.isEmpty ? "" : " with " + vars.joined(separator: ", ")))
                follow.append(.callScheduled(id: request.id))
            case .finished:
                break
            }
        }
        logSteps(upTo: engine.path.count)
        return follow
    }

    mutating func logSteps(upTo count: Int) {
        while pathLogged < count {
            let e = engine.path[pathLogged]
            if case let .hours(decision)? = e.exit, case let .hours(h)? = simulator.flow.steps[e.step]?.kind,
               let date = engine.wallClock(at: e.enteredAt) {
                lines.append("\(stamp()) → \(e.step) (hours: \(h.describe(date)) is \(decision.rawValue))")
            } else {
                lines.append("\(stamp()) → \(e.step) (\(e.kind))")
            }
            pathLogged += 1
        }
    }

    /// A key or word waits for the end of a prompt that cannot be interrupted.
    func needsPromptEnd(before input: SimulatorInput) -> Bool {
        switch input {
        case .digits, .say: return playingUntil != nil && !playBargeIn
        default: return false
        }
    }

    mutating func apply(_ input: SimulatorInput) {
        switch input {
        case let .digits(keys):
            guard let key = keys.first else { return }
            note("caller presses \(key)")
            if let r = recording, key == r.finishKey {
                recording = nil
                deliver(.recordingFinished(path: r.path, seconds: (now - r.start).seconds))
                return
            }
            deliver(.digit(key))
        case let .say(word, confidence):
            note("caller says \"\(word)\"" + (confidence < 1 ? " (confidence \(FlowValue.format(confidence)))" : ""))
            deliver(.keyword(word, confidence: confidence))
        case let .wait(d):
            note("caller waits \(FlowDuration.format(d))")
            let target = now + d
            while !engine.isFinished, advance(until: target) {}
            if now < target { now = target }
        case .hangup:
            note("caller hangs up")
            recording = nil
            deliver(.callerHungUp)
        }
    }

    /// Moves the clock to the next prompt end, recording end or engine deadline (not past `limit`) and fires it.
    /// Returns false when nothing is due by `limit`.
    mutating func advance(until limit: Instant?) -> Bool {
        let candidates = [playingUntil, recording?.end, engine.nextDeadline()].compactMap { $0 }
        guard let next = candidates.min(), limit.map({ next <= $0 }) ?? true else { return false }
        now = max(now, next)
        if let p = playingUntil, p <= now {
            playingUntil = nil
            note("prompt finished")
            deliver(.promptFinished)
        } else if let r = recording, r.end <= now {
            recording = nil
            note("recording reached its maximum length")
            deliver(.recordingFinished(path: r.path, seconds: (r.end - r.start).seconds))
        } else {
            note("timeout")
            engine.handleTimeout(now: now)
            var events = drain()
            while !events.isEmpty {
                engine.handle(events.removeFirst(), now: now)
                events += drain()
            }
        }
        return true
    }

    func result() -> FlowSimulator.Result {
        var out = lines
        let outcome = engine.outcome
        if let o = outcome {
            out.append("outcome: \(o.status.rawValue) (\(o.reason)) at step '\(o.lastStep ?? "-")' after \(o.path.count) steps")
            out.append("path: " + o.path.map { "\($0.step) [\($0.exit?.description ?? "-")]" }.joined(separator: " → "))
            let vars = o.variables.keys.sorted().map { "\($0) = \(o.variables[$0]?.quoted ?? "null")" }
            out.append("variables: " + (vars.isEmpty ? "none" : vars.joined(separator: ", ")))
        } else {
            out.append("outcome: none (the simulation stopped before the call ended)")
        }
        let followup = outcome.flatMap { simulator.flow.followup(outcome: $0, variables: engine.variables, call: simulator.call) }
        switch followup {
        case let .voiceCallButton(body, displayText, ttl, payload)?:
            out.append("follow-up: voice_call button \"\(displayText)\" (ttl \(ttl) min, payload \(payload.map { "\"\($0)\"" } ?? "none")): \(body)")
        case let .template(name, language, ttl, payload)?:
            out.append("follow-up: template '\(name)' (\(language), ttl \(ttl) min, payload \(payload.map { "\"\($0)\"" } ?? "none"))")
        case let .callback(flow, variables, delay)?:
            let vars = variables.keys.sorted().map { "\($0)=\(shown($0, .string(variables[$0] ?? "")))" }
            out.append("follow-up: would schedule a callback to +\(simulator.call.from) in \(ScheduleTime.formatMinutes(delay)) "
                       + "into flow '\(flow)'" + (vars.isEmpty ? "" : " with " + vars.joined(separator: ", ")))
        case nil:
            out.append("follow-up: none")
        }
        return FlowSimulator.Result(transcript: out.joined(separator: "\n") + "\n", outcome: outcome, followup: followup,
                                    variables: engine.variables, actions: actions)
    }
}
