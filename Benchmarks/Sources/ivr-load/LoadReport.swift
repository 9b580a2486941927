import Foundation
import Media

/// A run's figures, as JSON for the report writer and one line for the terminal.
struct LoadReport {
    let label: String
    let calls: Int
    let rate: Double
    let wallSeconds: Double
    let results: [CallResult]
    let before: ProcSample
    let after: ProcSample
    let samples: [ProcSample]
    let peakLive: Int
    let loadgenCPUSeconds: Double
    let unmatchedGraphRequests: Int

    var failed: [CallResult] { results.filter { $0.failure != nil } }
    var callSeconds: Double { results.reduce(0) { $0 + $1.mediaSeconds } }
    var serverCPU: Double { after.cpuSeconds - before.cpuSeconds }
    var peakRSS: Int { samples.map(\.rssKiB).max() ?? after.rssKiB }

    var intervalError: LatenessHistogram {
        results.reduce(into: LatenessHistogram()) { $0.merge($1.stats.intervalError) }
    }

    /// Busiest second-long stretch of server CPU, in cores.
    var peakCores: Double {
        guard samples.count > 2 else { return 0 }
        return zip(samples, samples.dropFirst(2)).map { ($1.cpuSeconds - $0.cpuSeconds) / 1.0 }.max() ?? 0
    }

    /// CPU per call-second while every call had media up (the plateau between ramp-up and
    /// hang-ups): the media cost alone, without each call's setup and teardown.
    var plateauCPUPerCallSecond: Double? {
        let full = samples.filter { $0.live >= peakLive && peakLive > 0 }
        guard let first = full.first, let last = full.last, last.at - first.at >= 2 else { return nil }
        return (last.cpuSeconds - first.cpuSeconds) * 1000 / ((last.at - first.at) * Double(peakLive))
    }

    static func quantiles(_ values: [Duration]) -> [String: Double] {
        let ms = values.map { Double($0.totalNanoseconds) / 1e6 }.sorted()
        guard !ms.isEmpty else { return [:] }
        func q(_ p: Double) -> Double { ms[min(ms.count - 1, Int((Double(ms.count) * p).rounded(.up)) - 1)] }
        return ["p50": round3(q(0.5)), "p99": round3(q(0.99)), "max": round3(ms.last ?? 0)]
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    var json: [String: Any] {
        let received = results.reduce(0) { $0 + $1.stats.received }
        let lost = results.reduce(0) { $0 + max(0, $1.stats.lost) }
        var reasons: [String: Int] = [:]
        for r in failed { reasons[r.failure ?? "?", default: 0] += 1 }
        let h = intervalError
        return [
            "server": label, "calls": calls, "ramp_calls_per_second": rate, "wall_seconds": Self.round3(wallSeconds),
            "calls_failed": failed.count, "failures": reasons, "peak_concurrent_calls": peakLive,
            "webhook_to_pre_accept_ms": Self.quantiles(results.compactMap(\.webhookToPreAccept)),
            "connect_to_first_audio_ms": Self.quantiles(results.compactMap(\.connectToFirstAudio)),
            "call_seconds": Self.round3(callSeconds),
            "server_cpu_seconds": Self.round3(serverCPU),
            "server_cpu_ms_per_call_second": callSeconds > 0 ? Self.round3(serverCPU * 1000 / callSeconds) : 0,
            "server_peak_cores": Self.round3(peakCores),
            "server_cpu_ms_per_call_second_plateau": plateauCPUPerCallSecond.map(Self.round3) ?? NSNull(),
            "server_rss_before_kib": before.rssKiB, "server_rss_peak_kib": peakRSS,
            "server_rss_per_call_kib": calls > 0 ? Self.round3(Double(peakRSS - before.rssKiB) / Double(max(1, peakLive))) : 0,
            "interval_error_ms": ["p50": Double(h.quantileMicros(0.5)) / 1000, "p99": Double(h.quantileMicros(0.99)) / 1000,
                                  "max": Double(h.maxMicros) / 1000, "intervals": h.count],
            "packets_received": received, "packets_lost": lost,
            "loss_percent": received + lost > 0 ? Self.round3(Double(lost) * 100 / Double(received + lost)) : 0,
            "rtp_timestamp_jumps": results.reduce(0) { $0 + $1.stats.timestampJumps },
            "rtp_clock_drift_ms": Self.quantiles(results.compactMap { $0.stats.drift.map { $0 < .zero ? .zero - $0 : $0 } }),
            "loadgen_cpu_seconds": Self.round3(loadgenCPUSeconds),
            "unmatched_graph_requests": unmatchedGraphRequests,
        ]
    }

    var summary: String {
        let h = intervalError
        let cpu = callSeconds > 0 ? serverCPU * 1000 / callSeconds : 0
        let pre = Self.quantiles(results.compactMap(\.webhookToPreAccept))
        return String(format: "%@ N=%d failed=%d peak=%d cpu=%.3f ms/call-s rss=%d KiB peak pre_accept p99=%.1f ms interval p99=%.2f ms max=%.1f ms",
                      label, calls, failed.count, peakLive, cpu, peakRSS, pre["p99"] ?? -1,
                      Double(h.quantileMicros(0.99)) / 1000, Double(h.maxMicros) / 1000)
    }
}
