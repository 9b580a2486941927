#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex. Used instead of `Synchronization.Mutex`, which the package could use on
/// Linux: ThreadSanitizer does not see `Mutex`'s contended path (futex system calls), so under `make sanitize`
/// every contended `withLock` was reported as a data race between two accesses the lock in fact ordered
/// (reproduced outside the project: four threads on one `Mutex`, 6 reports; the same code on a pthread
/// mutex, none). A pthread mutex is what TSan models, so its reports stay meaningful.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
