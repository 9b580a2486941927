import NIOConcurrencyHelpers
import Wire

/// A clock that moves only when a test advances it. Tasks sleeping on it wake when an advance
/// reaches their deadline (or when they are cancelled).
public final class ManualClock: SleepingClock, Sendable {
    private struct Sleeper {
        let id: UInt64
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Instant
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        var cancelled: Set<UInt64> = []
    }

    private let state: NIOLockedValueBox<State>

    public init(start: Instant = Instant(nanoseconds: 1_000_000_000)) {
        state = NIOLockedValueBox(State(now: start))
    }

    public func now() -> Instant { state.withLockedValue { $0.now } }

    public func advance(by duration: Duration) {
        let due = state.withLockedValue { s -> [Sleeper] in
            s.now = s.now + duration
            return Self.takeDue(&s)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func set(_ instant: Instant) {
        let due = state.withLockedValue { s -> [Sleeper] in
            s.now = instant
            return Self.takeDue(&s)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// How many tasks are sleeping on this clock now (a test waits for its subject to go to sleep).
    public var sleepers: Int { state.withLockedValue { $0.sleepers.count } }

    /// The earliest deadline anyone sleeps until.
    public var nextWake: Instant? { state.withLockedValue { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: Instant) async throws {
        let id = state.withLockedValue { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLockedValue { s -> Result<Void, any Error>? in
                    if s.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if s.now >= deadline { return .success(()) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLockedValue { s -> Sleeper? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return s.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    private static func takeDue(_ s: inout State) -> [Sleeper] {
        let now = s.now
        let due = s.sleepers.filter { $0.deadline <= now }
        s.sleepers.removeAll { $0.deadline <= now }
        return due
    }
}
