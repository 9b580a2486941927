import Foundation
import Wire

/// A measured operation: total time over `iterations` after a warm-up, reported per operation.
struct BenchResult: Codable {
    var name: String
    var iterations: Int
    var nanosecondsPerOp: Double
    var opsPerSecond: Double
    var note: String?
}

enum Bench {
    /// Runs `body` `iterations` times (after `warmup` runs) and returns ns/op. `body` returns a value
    /// that is folded into a sink so the optimiser cannot drop the work.
    static func measure(_ name: String, iterations: Int, warmup: Int = 100, note: String? = nil,
                        _ body: (Int) throws -> Int) rethrows -> BenchResult {
        var sink = 0
        for i in 0..<warmup { sink &+= try body(i) }
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<iterations { sink &+= try body(i) }
        let elapsed = clock.now - start
        let ns = Double(elapsed.totalNanoseconds)
        if sink == 42_424_242 { print("") }  // keeps `sink` alive
        let perOp = ns / Double(iterations)
        return BenchResult(name: name, iterations: iterations, nanosecondsPerOp: perOp, opsPerSecond: 1e9 / perOp, note: note)
    }

    /// Times one batch operation (e.g. N packets fed through a session) and reports it per item.
    static func measureBatch(_ name: String, items: Int, note: String? = nil, _ body: () throws -> Int) rethrows -> BenchResult {
        let clock = ContinuousClock()
        let start = clock.now
        let sink = try body()
        let elapsed = clock.now - start
        let ns = Double(elapsed.totalNanoseconds)
        if sink == 42_424_242 { print("") }
        let perOp = ns / Double(items)
        return BenchResult(name: name, iterations: items, nanosecondsPerOp: perOp, opsPerSecond: 1e9 / perOp, note: note)
    }

    static func markdown(_ results: [BenchResult]) -> String {
        var out = "| benchmark | iterations | ns/op | ops/s | note |\n|---|---:|---:|---:|---|\n"
        for r in results {
            out += "| \(r.name) | \(r.iterations) | \(String(format: "%.0f", r.nanosecondsPerOp)) | "
                + "\(String(format: "%.0f", r.opsPerSecond)) | \(r.note ?? "") |\n"
        }
        return out
    }
}
