import NIOConcurrencyHelpers

/// A queue one task waits on with a deadline: items put before the wait are kept.
final class Mailbox<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var waiter: (id: Int, continuation: CheckedContinuation<Item?, Never>)?
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    func put(_ item: Item) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Item?, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w.continuation
            }
            s.items.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    /// The next item, or nil when none came within `timeout`.
    func next(timeout: Duration) async -> Item? {
        await withCheckedContinuation { (c: CheckedContinuation<Item?, Never>) in
            let (ready, id) = state.withLockedValue { s -> (Item??, Int) in
                if !s.items.isEmpty { return (.some(s.items.removeFirst()), 0) }
                s.nextID += 1
                s.waiter = (s.nextID, c)
                return (nil, s.nextID)
            }
            if let ready {
                c.resume(returning: ready)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Item?, Never>? in
            guard let w = s.waiter, w.id == id else { return nil }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume(returning: nil)
    }
}
