import CSndFile
import Foundation

/// libsndfile keeps the error of a failed `sf_open` in one process-wide slot (`sf_error(NULL)`),
/// which the next open from any thread overwrites: opens and their error reads go through one lock.
enum SndFileOpen {
    private static let lock = NSLock()

    /// Opens `path`; on failure returns libsndfile's error code and message, read under the same lock.
    static func open(_ path: String, mode: Int32, info: inout SF_INFO) -> Result<OpaquePointer, SndFileOpenFailure> {
        lock.lock()
        defer { lock.unlock() }
        if let file = sf_open(path, mode, &info) { return .success(file) }
        return .failure(SndFileOpenFailure(code: sf_error(nil), message: String(cString: sf_strerror(nil))))
    }

    /// Opens an already-open descriptor, which the caller keeps (libsndfile never closes it).
    static func open(descriptor fd: Int32, mode: Int32, info: inout SF_INFO) -> Result<OpaquePointer, SndFileOpenFailure> {
        lock.lock()
        defer { lock.unlock() }
        if let file = sf_open_fd(fd, mode, &info, 0) { return .success(file) }
        return .failure(SndFileOpenFailure(code: sf_error(nil), message: String(cString: sf_strerror(nil))))
    }
}

struct SndFileOpenFailure: Error {
    var code: Int32
    var message: String
}
