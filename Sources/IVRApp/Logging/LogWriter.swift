#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// Writes whole log lines to a file descriptor with write(2), and never stops the process for a
/// failed write: interrupted writes (EINTR) are retried, partial writes are continued, a full
/// non-blocking pipe (EAGAIN) is waited on briefly, and anything else (EPIPE when the reader went
/// away, ENOSPC, EIO) drops the line and counts it in `failures` (exported as
/// `ivr_log_write_failures_total`). `FileHandle.write` traps on those errors instead.
public final class LogWriter: Sendable {
    /// The process's standard error.
    public static let standardError = LogWriter(fileDescriptor: 2)

    /// Lines dropped by every writer in this process since it started.
    public static var failures: Int { failureCount.withLockedValue { $0 } }

    private static let failureCount = NIOLockedValueBox(0)

    /// How long one line may wait on a full non-blocking descriptor before it is dropped.
    static let maxWaitMilliseconds: Int32 = 1_000

    private let fd: Int32
    /// One line at a time, so lines longer than PIPE_BUF are not interleaved.
    private let lock = NIOLock()

    public init(fileDescriptor: Int32) {
        self.fd = fileDescriptor
    }

    /// Writes `line` and a newline. Returns false (and counts a failure) when the line was dropped.
    @discardableResult
    public func write(line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        let ok = lock.withLock { Self.writeAll(bytes, to: fd) }
        if !ok { Self.failureCount.withLockedValue { $0 += 1 } }
        return ok
    }

    /// The write(2) loop. Internal for tests.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        var waited: Int32 = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                #if canImport(Glibc)
                return Glibc.write(fd, base + offset, buf.count - offset)
                #else
                return Darwin.write(fd, base + offset, buf.count - offset)
                #endif
            }
            if n > 0 {
                offset += n
                continue
            }
            if n == 0 { return false }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard waited < maxWaitMilliseconds else { return false }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 50)
                waited += 50
            default:
                return false
            }
        }
        return true
    }

    /// Ignores SIGPIPE for the whole process, so a write to a closed pipe or socket fails with
    /// EPIPE (handled where it happens) instead of killing the daemon. Called once at start-up.
    public static func ignoreBrokenPipes() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}
