import Flow
import Foundation
import Store
import WhatsApp

/// Our set-up timings, in milliseconds from the connect webhook.
public struct SetupTimings: Sendable, Equatable {
    public var preAcceptMs: Int?
    public var connectedMs: Int?
    public var firstAudioMs: Int?

    public init(preAcceptMs: Int? = nil, connectedMs: Int? = nil, firstAudioMs: Int? = nil) {
        self.preAcceptMs = preAcceptMs
        self.connectedMs = connectedMs
        self.firstAudioMs = firstAudioMs
    }
}

/// Everything known about a call when it ends: what the planner sees and what the `call.outcome` line says.
public struct CallOutcome: Sendable, Equatable {
    public var callID: String
    public var phoneNumberID: String
    /// The caller's wa_id in full (the follow-up's recipient); logged masked.
    public var caller: String
    public var flow: String?
    public var flowVersion: String?
    public var status: CallStatus
    public var endReason: String
    public var path: [String]
    public var inputs: [String]
    /// Flow variables, with the `redact:` fields masked.
    public var variables: [String: String]
    public var whatsAppStatus: String?
    public var whatsAppDurationSeconds: Int?
    /// From `connected_at` to `ended_at`, when the call was connected.
    public var connectedSeconds: Int?
    public var setup: SetupTimings
    public var errorCodes: [String]
    public var receivedAt: Date
    public var endedAt: Date?
    /// The flow's own outcome (status, path, all variables with redacted names masked): what the
    /// follow-up rules read. Set by the finalizer; not part of the stored row.
    public var flowOutcome: FlowOutcome?

    public init(callID: String, phoneNumberID: String, caller: String, flow: String? = nil, flowVersion: String? = nil,
                status: CallStatus, endReason: String, path: [String] = [], inputs: [String] = [],
                variables: [String: String] = [:], whatsAppStatus: String? = nil, whatsAppDurationSeconds: Int? = nil,
                connectedSeconds: Int? = nil, setup: SetupTimings = SetupTimings(), errorCodes: [String] = [],
                receivedAt: Date, endedAt: Date? = nil) {
        self.callID = callID
        self.phoneNumberID = phoneNumberID
        self.caller = caller
        self.flow = flow
        self.flowVersion = flowVersion
        self.status = status
        self.endReason = endReason
        self.path = path
        self.inputs = inputs
        self.variables = variables
        self.whatsAppStatus = whatsAppStatus
        self.whatsAppDurationSeconds = whatsAppDurationSeconds
        self.connectedSeconds = connectedSeconds
        self.setup = setup
        self.errorCodes = errorCodes
        self.receivedAt = receivedAt
        self.endedAt = endedAt
    }

    /// The outcome of a finalized row.
    public init(_ row: CallRecord) {
        let connected: Int? = {
            guard let c = row.connectedAt, let e = row.endedAt, e >= c else { return nil }
            return WireTime.rounded(e.timeIntervalSince(c))
        }()
        self.init(callID: row.id, phoneNumberID: row.phoneNumberID, caller: row.caller, flow: row.flow,
                  flowVersion: row.flowVersion, status: row.status, endReason: row.endReason ?? "-",
                  path: row.path, inputs: row.inputs, variables: row.variables, whatsAppStatus: row.waStatus,
                  whatsAppDurationSeconds: row.durationSeconds, connectedSeconds: connected,
                  setup: SetupTimings(preAcceptMs: row.setupPreAcceptMs, connectedMs: row.setupConnectedMs,
                                      firstAudioMs: row.setupFirstAudioMs),
                  errorCodes: row.errorCodes.map { $0.split(separator: ",").map(String.init) } ?? [],
                  receivedAt: row.receivedAt, endedAt: row.endedAt)
    }

    /// Fills the outcome columns that come from the call's events: path, inputs, set-up timings.
    static func apply(events: [CallEvent], to row: inout CallRecord) {
        let path = events.filter { $0.kind == CallEventKind.step }.map(\.detail)
        let inputs = events.filter { $0.kind == CallEventKind.key || $0.kind == CallEventKind.keyword }
            .map { "\($0.kind):\($0.detail)" }
        row.pathJSON = json(path)
        row.inputsJSON = json(inputs)
        if let consent = events.last(where: { $0.kind == CallEventKind.consent }) { row.recordingConsent = consent.detail }
        func ms(_ kind: CallEventKind) -> Int? {
            guard let e = events.first(where: { $0.kind == kind }) else { return nil }
            return WireTime.rounded(e.at.timeIntervalSince(row.receivedAt), scale: 1000).map { max(0, $0) }
        }
        row.setupPreAcceptMs = ms(CallEventKind.preAccept)
        row.setupConnectedMs = ms(CallEventKind.connected)
        row.setupFirstAudioMs = ms(CallEventKind.firstAudio)
        let ours = events.filter { $0.kind == CallEventKind.error }
            .compactMap { $0.detail.split(separator: ":", maxSplits: 1).first.map(String.init) }
        mergeErrorCodes(ours, into: &row)
    }

    static func mergeErrorCodes(_ codes: [String], into row: inout CallRecord) {
        var all = row.errorCodes.map { $0.split(separator: ",").map(String.init) } ?? []
        for c in codes where !all.contains(c) { all.append(c) }
        row.errorCodes = all.isEmpty ? nil : all.joined(separator: ",")
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
