import Audio
import Flow
import Foundation
@testable import IVRApp
import IVRTesting
import Logging
import Media
import Store
import Wire

/// A call's flow runner without a call around it: the flow loaded from text, the repository's prompts,
/// a manual `now`, RFC 4733 key presses as the media delivers them, and every effect kept in order.
final class RunnerDriver {
    let runner: CallRunner
    var now = Instant(nanoseconds: 1_000_000_000)
    private(set) var effects: [CallRunner.Effect] = []
    private var sequence: UInt16 = 1
    private var timestamp: UInt32 = 960

    init(flow text: String, callID: String = "wacid.RUNNER",
         recordingsDirectory: String = FlowEngine.defaultRecordingsDirectory) throws {
        let loaded = FlowLoader.load(bytes: Array(text.utf8), path: "test.yaml",
                                     promptsDirectory: Fixtures.repositoryRoot().appendingPathComponent("Prompts").path)
        guard let flow = loaded.flow else { throw HarnessError(text: "flow does not load: \(loaded.diagnostics)") }
        let call = CallInfo(callID: callID, from: "13175551234", phoneNumberID: "106540352242922", callerName: "Ana",
                            ctaPayload: nil, startedAt: Date())
        runner = try CallRunner(call: call, flow: flow, opusFormatParameters: [:],
                                prompts: PromptCache(folder: Fixtures.repositoryRoot().appendingPathComponent("Prompts").path),
                                speech: nil, metrics: nil, now: now, logger: Logger(label: "test.runner"),
                                recordingsDirectory: recordingsDirectory)
    }

    func start() {
        runner.start(now: now)
        collect()
    }

    /// One key as RFC 4733 sends it: the start packet with the marker, then the end packet three times.
    func press(_ key: Character) {
        guard let code = TelephoneEventCode.code(for: key) else { return }
        now = now + .milliseconds(200)
        runner.handle(.telephoneEvent(payload: [code, 10, 0x01, 0x90], rtpTimestamp: timestamp, sequence: sequence,
                                      marker: true), now: now)
        for i in 1...3 {
            runner.handle(.telephoneEvent(payload: [code, 0x80 | 10, 0x03, 0x20], rtpTimestamp: timestamp,
                                          sequence: sequence &+ UInt16(i), marker: false), now: now)
        }
        sequence &+= 4
        timestamp &+= 8000
        collect()
    }

    /// Ends every play the runner has asked for so far, as the media reports it.
    func finishPlays() {
        let tags = effects.compactMap { effect -> Int? in
            if case let .play(_, tag) = effect { return tag }
            return nil
        }
        for tag in tags { runner.handle(.playbackFinished(tag: tag, interrupted: false), now: now) }
        collect()
    }

    func httpDone(_ request: HTTPCallOut, _ result: Result<(Int, [UInt8]), CallOutError>) {
        runner.httpDone(id: request.id, result: result, now: now)
        collect()
    }

    var httpRequests: [HTTPCallOut] {
        effects.compactMap { effect in
            if case let .http(request) = effect { return request }
            return nil
        }
    }

    /// The timeline events of one kind, in order.
    func events(_ kind: CallEventKind) -> [String] {
        effects.compactMap { effect in
            if case let .event(k, detail) = effect, k == kind { return detail }
            return nil
        }
    }

    /// Every timeline event's text and every variable set, for a search of what left the call.
    var everythingRecorded: [String] {
        effects.flatMap { effect -> [String] in
            switch effect {
            case let .event(kind, detail): return ["\(kind): \(detail)"]
            case let .variables(values): return values.map { "\($0.key)=\($0.value)" }
            default: return []
            }
        }
    }

    var hungUp: Bool {
        effects.contains { effect in
            if case .hangup = effect { return true }
            return false
        }
    }

    private func collect() {
        while let effect = runner.pollEffect() { effects.append(effect) }
    }
}
