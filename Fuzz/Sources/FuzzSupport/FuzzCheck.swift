#if canImport(Glibc)
import Glibc
#endif

/// A broken invariant: prints what was expected and aborts, which libFuzzer reports as a crash and
/// saves the input. Harness-only: the code under test never aborts on input.
public func require(_ condition: Bool, _ message: @autoclosure () -> String,
             file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    printError("ivr-fuzz invariant failed at \(file):\(line): \(message())")
    abort()
}

/// One line on standard error (file descriptor 2, unbuffered, so it is out before an abort).
public func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
}

/// Takes structured values off the front of a fuzz input; an exhausted input yields zeros and empty arrays,
/// so a harness never needs to check lengths.
public struct FuzzReader {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset >= bytes.count }
    public var remaining: Int { bytes.count - offset }

    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }
    public mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }
    public mutating func u64() -> UInt64 { UInt64(u32()) << 32 | UInt64(u32()) }

    /// Up to `count` bytes (fewer when the input runs out).
    public mutating func take(_ count: Int) -> [UInt8] {
        let n = max(0, min(count, remaining))
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    /// A length byte, then that many bytes.
    public mutating func chunk() -> [UInt8] { take(Int(byte())) }

    /// A 16-bit length, then that many bytes.
    public mutating func longChunk() -> [UInt8] { take(Int(u16())) }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] { take(remaining) }

    /// One of `choices`, picked by the next byte.
    public mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int(byte()) % choices.count]
    }
}
