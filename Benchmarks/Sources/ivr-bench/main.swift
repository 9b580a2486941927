import Foundation

// ivr-bench: runs every benchmark once and writes Benchmarks/results/<date>.json and .md.
// Build in release mode: `make bench`. Speed is measured here, never asserted in tests.
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
nonisolated(unsafe) var results: [BenchResult] = []
let only = CommandLine.arguments.dropFirst().first
// `ivr-bench callgrind <scenario> <packets>`: one fixed scenario for valgrind, no result files.
if only == "callgrind" {
    let args = Array(CommandLine.arguments.dropFirst(2))
    do {
        let out = try CallgrindScenario.run(args.first ?? "", packets: args.dropFirst().first.flatMap { Int($0) } ?? 0)
        print("callgrind scenario \(args.first ?? ""): \(out) outputs")
        exit(0)
    } catch {
        print("callgrind: \(error)")
        exit(1)
    }
}
// `ivr-bench memory <pairs>`: heap and RSS one connected session holds mid-call, no result files.
if only == "memory" {
    do {
        let pairs = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 200
        let kib = try SessionMemory.run(pairs: pairs)
        print(String(format: "memory: %d pairs: RSS %.1f KiB per connected session", pairs, kib))
        exit(0)
    } catch {
        print("memory: \(error)")
        exit(1)
    }
}
func run(_ name: String, _ suite: () throws -> [BenchResult]) {
    guard only == nil || only == name else { return }
    do {
        let r = try suite()
        for x in r { print(String(format: "%-90@ %12.0f ns/op %14.0f ops/s", x.name as NSString, x.nanosecondsPerOp, x.opsPerSecond)) }
        results += r
        fflush(nil)
    } catch {
        print("\(name): failed: \(error)")
    }
}
run("webhook") { try Suites.webhook(root: root) }
run("sdp") { try Suites.sdp(root: root) }
run("stun") { try Suites.stun() }
run("srtp") { try Suites.srtp() }
run("dtls") { try Suites.dtls() }
run("session") { try Suites.session() }
run("flow") { try Suites.flow(root: root) }
run("scale") { try Scale.run() }

let stamp = ISO8601DateFormatter().string(from: Date()).prefix(10)
let dir = root.appendingPathComponent("Benchmarks/results")
try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
if let data = try? encoder.encode(["machine": [BenchResult(name: machine, iterations: 0, nanosecondsPerOp: 0, opsPerSecond: 0)], "results": results]) {
    try? data.write(to: dir.appendingPathComponent("\(stamp).json"))
}
try? ("# ivr-bench \(stamp) (\(machine))\n\n" + Bench.markdown(results)).write(
    to: dir.appendingPathComponent("\(stamp).md"), atomically: true, encoding: .utf8)
print("wrote Benchmarks/results/\(stamp).json and .md")
