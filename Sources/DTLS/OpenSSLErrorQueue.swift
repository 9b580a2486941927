import COpenSSL

/// OpenSSL's per-thread error queue: cleared before a call, drained into one string after it.
enum OpenSSLErrorQueue {
    static func clear() {
        ERR_clear_error()
    }

    /// All queued errors, oldest first, joined by "; " (nil when the queue is empty).
    static func drain() -> String? {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            messages.append(String(decoding: bytes, as: UTF8.self))
        }
        return messages.isEmpty ? nil : messages.joined(separator: "; ")
    }

    /// A `DTLSError.openSSL` for `operation`, with whatever OpenSSL queued.
    static func error(_ operation: String) -> DTLSError {
        .openSSL(operation: operation, reason: drain() ?? "no OpenSSL error queued")
    }
}
