import Foundation
import NIOCore

/// The CPUs this process may run on (`taskset`, `systemd`'s `CPUAffinity=`, a container's cpuset).
/// NIO sizes its event loop group from the machine's cores and cgroup quota, not from the affinity mask:
/// pinned to one core, ivrd would still run one loop per machine core, and their threads would take turns
/// on the one core it has (measured: 8 % of the CPU went to thread switches at 250 calls).
public enum CPUAffinity {
    /// CPUs in the mask, or nil where it cannot be read (Linux: `Cpus_allowed` in /proc/self/status).
    public static func count() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return count(procStatus: status)
    }

    /// The CPUs in a /proc/<pid>/status text's `Cpus_allowed:` mask (hex words, comma-separated).
    static func count(procStatus: String) -> Int? {
        guard let line = procStatus.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        var bits = 0
        for ch in line.dropFirst("Cpus_allowed:".count) where ch != "," && !ch.isWhitespace {
            guard let nibble = ch.hexDigitValue else { return nil }
            bits += nibble.nonzeroBitCount
        }
        return bits > 0 ? bits : nil
    }

    /// Sizes NIO's shared event loop group to the CPUs the process may use, when fewer than NIO would pick.
    /// Call before anything uses NIO's singletons. Returns the loop count chosen.
    @discardableResult
    public static func sizeEventLoops() -> Int {
        let machine = System.coreCount
        guard let allowed = count(), allowed < machine else { return machine }
        NIOSingletons.groupLoopCountSuggestion = allowed
        NIOSingletons.blockingPoolThreadCountSuggestion = max(1, allowed)
        return allowed
    }
}
