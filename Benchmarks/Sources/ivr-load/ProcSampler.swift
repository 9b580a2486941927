import Foundation

/// CPU time and resident memory of a process, read from /proc (Linux).
struct ProcSample: Sendable {
    var cpuSeconds: Double
    var rssKiB: Int
    /// When it was taken (seconds on the load's clock) and how many calls had media up then.
    var at: Double = 0
    var live = 0
}

enum ProcSampler {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime (fields 14 and 15 of /proc/<pid>/stat) and VmRSS; nil if the process is gone.
    static func sample(pid: Int32) -> ProcSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces): state is field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        var rss = 0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
                rss = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
            }
        }
        return ProcSample(cpuSeconds: (utime + stime) / ticksPerSecond, rssKiB: rss)
    }
}

import NIOConcurrencyHelpers

/// Calls with media up right now, and the most there were at once.
final class LiveCount: Sendable {
    private let box = NIOLockedValueBox((now: 0, peak: 0))

    func add(_ delta: Int) {
        box.withLockedValue { v in
            v.now += delta
            v.peak = max(v.peak, v.now)
        }
    }

    var current: Int { box.withLockedValue { $0.now } }
    var peak: Int { box.withLockedValue { $0.peak } }
}
