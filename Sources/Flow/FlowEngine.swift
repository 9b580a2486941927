import Foundation
import Logging
import Wire

/// Runs one call through a flow. Sans-IO: feed it events and the current time, drain its actions
/// with `pollAction()`, and call `handleTimeout(now:)` when `nextDeadline()` has come.
///
/// The contract with the media side:
/// - `.play` starts playing the prompts in order; report `.promptFinished` once per `.play`, when it ends
///   or after it was stopped by `.stopPlayback` (or replaced by a newer `.play`). The engine counts them,
///   so a late report for a stopped prompt changes nothing.
/// - Report `.digit` / `.keyword` only between `.listen` and `.stopListening`. Barge-in is the engine's
///   business: during a barge-in prompt it answers input with `.stopPlayback`; during other prompts it
///   drops input.
/// - `.record` records to the path given; report `.recordingFinished` when it ends (finish key, silence or
///   maximum length). The engine gives up waiting `max_length + 5s` after the start.
/// - `.http` is done by the caller of the engine, which reports `.httpResult` or `.httpFailed` with the same
///   id; the engine also times out on its own at the step's `timeout` and then ignores the late answer.
/// - `.hangup` asks the call to end (terminate it); `.finished` carries the outcome and comes last.
///   After `.callerHungUp` the engine emits only `.finished`.
public struct FlowEngine: Sendable {
    public let flow: Flow
    public let call: CallInfo
    public let stepBudget: Int
    /// The folder `record` steps write to.
    public let recordingsDirectory: String
    /// Every step entered, in order, with how it was left.
    public internal(set) var path: [PathEntry] = []
    /// Current variables (unmasked; `outcome.variables` is the masked copy).
    public internal(set) var variables: [String: FlowValue]
    /// Set once the call has ended.
    public internal(set) var outcome: FlowOutcome?

    enum Phase: Equatable {
        case idle
        case playing(Purpose)
        case collecting
        case http(id: String)
        case scheduling(id: String)
        case recording
        /// A recording's consent announcement is over; the opt-out key is still taken until the timer.
        case consentWait
        case done
    }

    enum Purpose: Equatable {
        case step, prompt, recordPrompt, consentPrompt
        /// A menu's "Did you say …?" question.
        case confirmPrompt
    }

    enum Input: Equatable {
        case digit(Character)
        case keyword(String, confidence: Double)
    }

    /// A menu option heard with middling confidence, waiting for the caller's yes or no.
    struct PendingConfirmation: Equatable {
        var option: Int
        var word: String
    }

    enum Timer: Equatable {
        case menu, firstDigit, interDigit, http, record, consent, schedule
    }

    /// How long after `max_length` the engine stops waiting for `.recordingFinished` and moves on.
    static let recordingGrace: Duration = .seconds(5)

    var phase: Phase = .idle
    var queue: [FlowAction] = []
    /// For each queued action, how many path entries existed when it was emitted (the simulator interleaves them).
    var queuePathCounts: [Int] = []
    var queueHead = 0
    var outstandingPlays = 0
    var listening = false
    var deadline: Instant?
    var timer: Timer = .menu
    var overallDeadline: Instant?
    var attempts = 0
    var digits = ""
    var typeAhead: [Input] = []
    /// Set while a menu asks the caller to confirm a keyword.
    var confirming: PendingConfirmation?
    var httpCounter = 0
    /// The `schedule_call` request the call layer is recording.
    var pendingSchedule: ScheduledCallRequest?
    var stepsEntered = 0
    var current: Step?
    /// The engine has jumped to the `on_drain` step.
    var drained = false
    /// The engine's time at init, paired with `call.startedAt` to tell the wall-clock time.
    let startInstant: Instant
    let logger: Logger?

    /// A keyword below this confidence does not barge in on a `play` step (menus use their own band).
    public static let minimumKeywordConfidence = 0.5

    /// `recordingsDirectory`: the folder `record` steps write to (`retention.recordings_dir`).
    public init(flow: Flow, call: CallInfo, now: Instant, stepBudget: Int = 200, logger: Logger? = nil,
                recordingsDirectory: String = FlowEngine.defaultRecordingsDirectory) {
        self.flow = flow
        self.recordingsDirectory = recordingsDirectory
        self.call = call
        self.stepBudget = stepBudget
        self.variables = flow.initialVariables
        self.logger = logger
        self.startInstant = now
    }

    /// Sets variables before the flow starts (a call we place passes its `vars`), as strings.
    public mutating func preset(_ values: [String: String]) {
        for (name, text) in values { variables[name] = .string(text) }
    }

    /// The wall-clock time at `now`: the call's start time plus the time since (nil without a start time).
    public func wallClock(at now: Instant) -> Date? {
        call.startedAt.map { $0.addingTimeInterval((now - startInstant).seconds) }
    }

    public mutating func pollAction() -> FlowAction? {
        pollActionWithPathCount()?.action
    }

    mutating func pollActionWithPathCount() -> (action: FlowAction, pathCount: Int)? {
        guard queueHead < queue.count else {
            queue.removeAll(keepingCapacity: true)
            queuePathCounts.removeAll(keepingCapacity: true)
            queueHead = 0
            return nil
        }
        defer { queueHead += 1 }
        return (queue[queueHead], queuePathCounts[queueHead])
    }

    /// When the engine next wants `handleTimeout(now:)`, or nil if it waits only for events.
    public func nextDeadline() -> Instant? {
        switch (deadline, overallDeadline) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        default: return nil
        }
    }

    public var isFinished: Bool { phase == .done }

    /// The language the next prompts play in (see `Flow.promptLanguage`); nil when the flow declares none.
    public var promptLanguage: String? { flow.promptLanguage(variables) }

    /// The step the call is in, if any.
    public var currentStep: String? { phase == .done ? nil : current?.name }

    /// The variable the caller's input is collected into right now (see `inputVariable(atStep:)`): while
    /// it is a `redact:` name, the keys that make it up are as secret as the value.
    public var currentInputVariable: String? {
        guard phase != .done, let name = current?.name else { return nil }
        return inputVariable(atStep: name)
    }

    /// The variable input given at the step `name` goes into: a `gather`'s or a menu's `into:`. At a
    /// barge-in `play` step it is the `into:` of the menu or gather right after it, which receives what
    /// the caller types ahead (entering any other step drops the typed-ahead input).
    public func inputVariable(atStep name: String) -> String? {
        guard let step = flow.steps[name] else { return nil }
        switch step.kind {
        case let .gather(g): return g.into
        case let .menu(m): return m.into
        case let .play(p):
            // Only a menu or gather keeps typed-ahead input; a play after this one drops it.
            guard p.bargeIn, let next = step.next?.name, let following = flow.steps[next] else { return nil }
            if case .play = following.kind { return nil }
            return inputVariable(atStep: next)
        default: return nil
        }
    }

    public mutating func handle(_ event: FlowEvent, now: Instant) {
        guard phase != .done else { return }
        switch event {
        case .started:
            guard phase == .idle else { return }
            go(to: flow.start, now: now)
        case .promptFinished:
            outstandingPlays = max(0, outstandingPlays - 1)
            guard outstandingPlays == 0, case let .playing(purpose) = phase else { return }
            promptDone(purpose, now: now)
        case let .digit(key):
            input(.digit(key), now: now)
        case let .keyword(word, confidence):
            guard confidence.isFinite else { return }
            input(.keyword(word.lowercased(), confidence: min(1, max(0, confidence))), now: now)
        case let .httpResult(id, status, body):
            guard phase == .http(id: id) else { return }
            httpFinished(status: status, body: body, failure: nil, now: now)
        case let .httpFailed(id, reason):
            guard phase == .http(id: id) else { return }
            httpFinished(status: nil, body: [], failure: reason, now: now)
        case let .callScheduled(id):
            guard phase == .scheduling(id: id) else { return }
            scheduleFinished(failure: nil, now: now)
        case let .scheduleFailed(id, reason):
            guard phase == .scheduling(id: id) else { return }
            scheduleFinished(failure: reason, now: now)
        case let .recordingFinished(path, seconds):
            guard phase == .recording else { return }
            recordingDone(path: path, seconds: seconds, now: now)
        case let .recordingFailed(reason):
            guard phase == .recording else { return }
            recordingFailed(reason: reason, now: now)
        case .draining:
            // Once: a flow whose drain step is running (or that has none) carries on as it is.
            guard !drained, let step = flow.onDrain, flow.steps[step] != nil else { return }
            drained = true
            leave(.draining)
            stopListening()
            deadline = nil
            overallDeadline = nil
            // A prompt still playing is cut; its late `.promptFinished` is still counted (not taken
            // for the end of the drain step's own prompt).
            if outstandingPlays > 0 { emit(.stopPlayback) }
            phase = .idle
            go(to: step, now: now)
        case .shutdown:
            leave(.draining)
            finish(.shutdown, reason: "server shutting down", now: now)
        case .callerHungUp:
            if phase == .recording, case let .record(r) = current?.kind, let into = r.into {
                assign(into, .string(recordingPath()))
            }
            leave(.callerHungUp)
            finish(.callerHungUp, reason: "caller hung up", now: now)
        case let .mediaFailed(reason):
            leave(.mediaFailed)
            emit(.hangup(.mediaFailed))
            finish(.mediaFailed, reason: reason, now: now)
        }
    }

    public mutating func handleTimeout(now: Instant) {
        guard phase != .done else { return }
        if let d = deadline, d <= now {
            deadline = nil
            timerFired(timer, now: now)
        } else if let o = overallDeadline, o <= now {
            overallDeadline = nil
            deadline = nil
            if phase == .collecting, case .gather = current?.kind { finishGather(now: now) }
        }
    }

    // MARK: - Shared helpers

    mutating func emit(_ action: FlowAction) {
        switch action {
        case .play, .say: outstandingPlays += 1
        default: break
        }
        queue.append(action)
        queuePathCounts.append(path.count)
    }

    mutating func listen(digits: Bool, keywords: [String]) {
        guard !listening else { return }
        listening = true
        emit(.listen(digits: digits, keywords: keywords, language: flow.language))
    }

    mutating func stopListening() {
        guard listening else { return }
        listening = false
        emit(.stopListening)
    }

    mutating func assign(_ name: String, _ value: FlowValue) {
        variables[name] = value
        emit(.setVariable(name: name, value: value))
    }

    mutating func leave(_ exit: PathExit) {
        guard let last = path.indices.last, path[last].exit == nil else { return }
        path[last].exit = exit
    }

    var context: EvaluationContext { EvaluationContext(variables: variables, call: call, outcome: nil, language: promptLanguage) }

    /// Leaves the current step and enters `target`; a nil target ends the call as failed.
    mutating func advance(_ exit: PathExit, to target: String?, now: Instant, failure: String = "no next step") {
        leave(exit)
        stopListening()
        deadline = nil
        overallDeadline = nil
        guard let target else {
            emit(.hangup(.failed))
            finish(.failed, reason: failure, now: now)
            return
        }
        go(to: target, now: now)
    }

    mutating func finish(_ status: FlowOutcome.Status, reason: String, now: Instant) {
        stopListening()
        deadline = nil
        overallDeadline = nil
        phase = .done
        let result = FlowOutcome(status: status, reason: reason, lastStep: current?.name, path: path,
                                 variables: flow.redacted(variables), endedAt: now)
        outcome = result
        logger?.debug("flow finished", metadata: ["status": "\(status.rawValue)"])
        emit(.finished(result))
    }

    /// Where recordings go unless the configuration says otherwise.
    public static let defaultRecordingsDirectory = "var/recordings"

    func recordingPath() -> String {
        let folder = recordingsDirectory.hasSuffix("/") ? String(recordingsDirectory.dropLast()) : recordingsDirectory
        return "\(folder)/\(Self.recordingPrefix(callID: call.callID))\(current?.name ?? "record").wav"
    }

    /// The file-name prefix of a call's recordings: its id with anything but letters, digits, `-` and
    /// `_` turned into `_`, then `-` (the step's name follows). The console lists a call's files by it.
    public static func recordingPrefix(callID: String) -> String {
        String(callID.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) + "-"
    }
}
