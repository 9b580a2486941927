import Foundation
import NIOConcurrencyHelpers

/// DOT to SVG through Graphviz's `dot` program (Debian's `graphviz`), run as a child process.
///
/// Why the program and not `libgvc` in-process: libgvc keeps global state and is not thread-safe, a
/// layout bug or a pathological graph would take the daemon (and its calls) down with it, and a child
/// process can be killed at a deadline. A render costs tens of milliseconds; the result is cached by
/// the DOT text (bounded), so a page reload does not run `dot` again.
public final class GraphvizRenderer: Sendable {
    public enum RenderError: Error, Equatable, CustomStringConvertible {
        case notInstalled
        case failed(String)
        case timedOut

        public var description: String {
            switch self {
            case .notInstalled: return "Graphviz is not installed (the dot program was not found): apt-get install graphviz"
            case let .failed(why): return "dot failed: \(why)"
            case .timedOut: return "dot took too long"
            }
        }
    }

    /// The `dot` executable, or nil when none was found.
    public let executable: String?
    let timeout: TimeInterval
    let maxOutputBytes: Int
    private let cache = NIOLockedValueBox(Cache())

    struct Cache {
        var entries: [String: String] = [:]
        var order: [String] = []
    }

    static let cacheSize = 64

    public init(executable: String? = GraphvizRenderer.findDot(), timeout: TimeInterval = 10,
                maxOutputBytes: Int = 8 << 20) {
        self.executable = executable
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
    }

    /// `dot` on the PATH, else /usr/bin/dot.
    public static func findDot() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/dot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The SVG element for `dot` (XML prolog and doctype removed, so it can sit inside an HTML page).
    public func svg(_ dot: String) async throws -> String {
        if let hit = cache.withLockedValue({ $0.entries[dot] }) { return hit }
        guard let executable else { throw RenderError.notInstalled }
        let raw = try await Self.run(executable, input: Data(dot.utf8), timeout: timeout, maxOutput: maxOutputBytes)
        let svg = Self.inlineSVG(raw)
        cache.withLockedValue { c in
            if c.entries[dot] == nil { c.order.append(dot) }
            c.entries[dot] = svg
            while c.order.count > Self.cacheSize { c.entries[c.order.removeFirst()] = nil }
        }
        return svg
    }

    static func inlineSVG(_ text: String) -> String {
        guard let start = text.range(of: "<svg") else { return text }
        return String(text[start.lowerBound...])
    }

    /// The child process and its pipes, handed between the dispatch blocks of one render.
    final class Child: @unchecked Sendable {
        let process = Process()
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    }

    /// Runs `dot -Tsvg` on a blocking thread (never on the event loop), killing it at the deadline.
    /// The input is written and closed before the output is read: dot reads its whole graph before it
    /// writes anything, so that order cannot block; the deadline ends any other stall.
    static func run(_ executable: String, input: Data, timeout: TimeInterval, maxOutput: Int) async throws -> String {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, Error>) in
            let child = Child()
            DispatchQueue.global().async {
                child.process.executableURL = URL(fileURLWithPath: executable)
                child.process.arguments = ["-Tsvg"]
                child.process.standardInput = child.stdin
                child.process.standardOutput = child.stdout
                child.process.standardError = child.stderr
                do {
                    try child.process.run()
                } catch {
                    continuation.resume(throwing: RenderError.failed("cannot start \(executable): \(error)"))
                    return
                }
                let timedOut = NIOLockedValueBox(false)
                let killer = DispatchWorkItem {
                    if child.process.isRunning {
                        timedOut.withLockedValue { $0 = true }
                        child.process.terminate()
                    }
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
                // The throwing write: a dot that died early (EPIPE) must fail the render, not trap.
                try? child.stdin.fileHandleForWriting.write(contentsOf: input)
                try? child.stdin.fileHandleForWriting.close()
                let output = child.stdout.fileHandleForReading.readDataToEndOfFile()
                let errors = child.stderr.fileHandleForReading.readDataToEndOfFile()
                child.process.waitUntilExit()
                killer.cancel()
                if timedOut.withLockedValue({ $0 }) {
                    continuation.resume(throwing: RenderError.timedOut)
                } else if child.process.terminationStatus != 0 {
                    let why = String(decoding: errors.prefix(500), as: UTF8.self)
                    continuation.resume(throwing: RenderError.failed(why.isEmpty ? "exit \(child.process.terminationStatus)" : why))
                } else if output.count > maxOutput {
                    continuation.resume(throwing: RenderError.failed("the picture is larger than \(maxOutput) bytes"))
                } else {
                    continuation.resume(returning: String(decoding: output, as: UTF8.self))
                }
            }
        }
    }
}
