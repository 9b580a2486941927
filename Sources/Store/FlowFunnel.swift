/// One call as the funnel sees it: the steps it entered, in order, and how it ended.
public struct FunnelCall: Sendable, Equatable {
    public var callID: String
    public var path: [String]
    public var outcome: CallOutcomeClass
    /// How the call left each step it left, in order (`PathExit`'s words, from the `exit` events).
    public var exits: [StepExit]

    public struct StepExit: Sendable, Equatable {
        public var step: String
        /// e.g. `key 1`, `said "sales"`, `timeout`, `failure (no input)`, `next`.
        public var exit: String

        public init(step: String, exit: String) {
            self.step = step
            self.exit = exit
        }
    }

    public init(callID: String, path: [String], outcome: CallOutcomeClass, exits: [StepExit] = []) {
        self.callID = callID
        self.path = path
        self.outcome = outcome
        self.exits = exits
    }

    /// Why the call ended, in the funnel's words: the outcome class, except that a call the flow ended
    /// (`completed` or `failed`) after the caller's last try at a menu or gather failed says which input was
    /// missing: `no_input` or `invalid_input` (a menu that times out into a goodbye step ends there as
    /// `no_input`, not `completed`).
    public var endedBecause: String {
        guard outcome == .completed || outcome == .failed else { return outcome.rawValue }
        let lastInput = exits.last { e in
            ["key ", "said ", "digits ", "failure ("].contains { e.exit.hasPrefix($0) }
        }
        switch lastInput?.exit {
        case "failure (no input)"?: return "no_input"
        case "failure (invalid input)"?: return "invalid_input"
        default: return outcome.rawValue
        }
    }

    /// Reads an `exit` event's detail (`<step>: <exit>`; step names have no ':').
    public static func parseExit(_ detail: String) -> (step: String, exit: String)? {
        guard let colon = detail.firstIndex(of: ":") else { return nil }
        let exit = detail[detail.index(after: colon)...].drop { $0 == " " }
        return (String(detail[..<colon]), String(exit))
    }
}

/// Where the calls of one flow went: per step, how many calls reached it and how many ended there
/// (and how); per edge, how many calls took it. Pure: computed from `FunnelCall`s.
public struct FlowFunnel: Sendable, Equatable, Codable {
    public struct StepCount: Sendable, Equatable, Codable {
        public var step: String
        /// Calls that entered the step at least once.
        public var reached: Int
        /// Times the step was entered (a loop enters it more than once per call).
        public var visits: Int
        /// Calls whose last step this was.
        public var ended: Int
        /// `ended`, by why (`caller_hung_up`, `completed`, `no_input`, `invalid_input`, `failed`, `error`, …;
        /// see `FunnelCall.endedBecause`).
        public var endedBy: [String: Int]
        /// How calls left the step, per visit (`key 1`, `failure (no input)`, `next`, …).
        public var leftBy: [String: Int]

        enum CodingKeys: String, CodingKey {
            case step, reached, visits, ended
            case endedBy = "ended_by"
            case leftBy = "left_by"
        }
    }

    public struct EdgeCount: Sendable, Equatable, Codable, Hashable {
        /// The step left, or nil for the call's start (the edge into the first step).
        public var from: String?
        public var to: String
        /// Calls that took this edge at least once.
        public var calls: Int
    }

    /// Calls counted.
    public var calls: Int
    /// Calls that never entered a step (rejected, failed during set-up).
    public var withoutSteps: Int
    /// Steps in order of first appearance over all calls.
    public var steps: [StepCount]
    public var edges: [EdgeCount]
    /// How many calls ended in each way.
    public var outcomes: [String: Int]

    enum CodingKeys: String, CodingKey {
        case calls
        case withoutSteps = "without_steps"
        case steps, edges, outcomes
    }

    public func step(_ name: String) -> StepCount? { steps.first { $0.step == name } }

    public func edge(from: String?, to: String) -> Int {
        edges.first { $0.from == from && $0.to == to }?.calls ?? 0
    }

    public init(calls: [FunnelCall]) {
        var order: [String] = []
        var reached: [String: Int] = [:], visits: [String: Int] = [:], ended: [String: Int] = [:]
        var endedBy: [String: [String: Int]] = [:], leftBy: [String: [String: Int]] = [:]
        var edgeOrder: [EdgeKey] = []
        var edgeCalls: [EdgeKey: Int] = [:]
        var outcomes: [String: Int] = [:]
        var withoutSteps = 0
        for call in calls {
            outcomes[call.outcome.rawValue, default: 0] += 1
            guard let last = call.path.last else {
                withoutSteps += 1
                continue
            }
            var seenSteps = Set<String>(), seenEdges = Set<EdgeKey>()
            var previous: String? = nil
            for step in call.path {
                if reached[step] == nil { order.append(step) }
                visits[step, default: 0] += 1
                if seenSteps.insert(step).inserted { reached[step, default: 0] += 1 }
                let key = EdgeKey(from: previous, to: step)
                if edgeCalls[key] == nil { edgeOrder.append(key) }
                if seenEdges.insert(key).inserted { edgeCalls[key, default: 0] += 1 }
                previous = step
            }
            for e in call.exits { leftBy[e.step, default: [:]][e.exit, default: 0] += 1 }
            ended[last, default: 0] += 1
            endedBy[last, default: [:]][call.endedBecause, default: 0] += 1
        }
        self.calls = calls.count
        self.withoutSteps = withoutSteps
        self.steps = order.map { name in
            StepCount(step: name, reached: reached[name] ?? 0, visits: visits[name] ?? 0, ended: ended[name] ?? 0,
                      endedBy: endedBy[name] ?? [:], leftBy: leftBy[name] ?? [:])
        }
        self.edges = edgeOrder.map { EdgeCount(from: $0.from, to: $0.to, calls: edgeCalls[$0] ?? 0) }
        self.outcomes = outcomes
    }

    struct EdgeKey: Hashable {
        var from: String?
        var to: String
    }
}
