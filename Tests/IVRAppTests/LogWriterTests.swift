#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import IVRApp
import Logging
import NIOConcurrencyHelpers
import Testing

/// Log writes never stop the process: a closed reader (EPIPE) or a full non-blocking pipe drops the
/// line and counts it; whole lines arrive intact otherwise.
@Suite(.serialized) struct LogWriterTests {
    func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        return (fds[0], fds[1])
    }

    func readAll(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func writesWholeLinesWithANewline() throws {
        let p = try makePipe()
        let writer = LogWriter(fileDescriptor: p.write)
        let long = String(repeating: "x", count: 20_000)
        #expect(writer.write(line: "first"))
        #expect(writer.write(line: long))
        close(p.write)
        let text = readAll(p.read)
        close(p.read)
        #expect(text == "first\n" + long + "\n")
    }

    @Test func aClosedReaderDropsTheLineAndCountsItWithoutSignal() throws {
        LogWriter.ignoreBrokenPipes()
        let p = try makePipe()
        close(p.read)
        let writer = LogWriter(fileDescriptor: p.write)
        let before = LogWriter.failures
        #expect(!writer.write(line: "nobody reads this"))
        #expect(!writer.write(line: "nor this"))
        close(p.write)
        #expect(LogWriter.failures - before == 2)
        let metrics = IVRMetrics()
        #expect(metrics.exposition().contains("ivr_log_write_failures_total"))
    }

    @Test func aFullNonBlockingPipeDropsTheLineInsteadOfBlocking() throws {
        let p = try makePipe()
        _ = fcntl(p.write, F_SETFL, fcntl(p.write, F_GETFL) | O_NONBLOCK)
        // Fill the pipe until the kernel refuses more.
        let chunk = [UInt8](repeating: 0x41, count: 4096)
        while chunk.withUnsafeBufferPointer({ write(p.write, $0.baseAddress, $0.count) }) > 0 {}
        let before = LogWriter.failures
        #expect(!LogWriter(fileDescriptor: p.write).write(line: "no room"))
        #expect(LogWriter.failures - before == 1)
        close(p.write)
        close(p.read)
    }

    @Test func aBadDescriptorIsAFailureNotATrap() {
        #expect(!LogWriter.writeAll(Array("x\n".utf8), to: -1))
    }

    @Test func textLinesCarryLevelLabelMetadataSourceAndMessage() {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "ivr.http") { label in
            TextLogHandler(label: label) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger[metadataKey: "call_id"] = "wacid.1"
        logger.warning("webhook refused", metadata: ["reason": "bad signature"])
        let captured = lines.withLockedValue { $0 }
        #expect(captured.count == 1)
        let line = captured.first ?? ""
        #expect(line.contains(" warning ivr.http : call_id=wacid.1 reason=bad signature [IVRAppTests] webhook refused"))
        #expect(!line.contains("\n"))
    }
}
