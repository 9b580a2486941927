import Foundation
import GRDB

/// One row of `call_events`: something that happened during a call (a step entered, a prompt played,
/// a key or keyword heard, an HTTP call-out, a set-up milestone), with its time. `show` prints these.
public struct CallEvent: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "call_events"

    public var id: Int64?
    public var callID: String
    public var at: Date
    public var kind: CallEventKind
    public var detail: String

    public init(id: Int64? = nil, callID: String, at: Date, kind: CallEventKind, detail: String) {
        self.id = id
        self.callID = callID
        self.at = at
        self.kind = kind
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id
        case callID = "call_id"
        case at, kind, detail
    }
}

/// What a call event records. The outcome reads the path from `step` events, the inputs from `key` and
/// `keyword`, the set-up timings from the milestones, and our errors from `error`.
public enum CallEventKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible, CustomStringConvertible {
    /// A flow step entered; `detail` is the step name. Builds the outcome's path.
    case step
    /// How a flow step was left; `detail` is `<step>: <exit>`, e.g. `menu: key 1` or `menu: failure (no input)`
    /// (gathered digits of a `redact:` variable are `***`). The funnel reads why calls ended where they did.
    case exit
    /// A prompt played; `detail` is the prompt id.
    case prompt
    /// A DTMF key; `detail` is the key (masked while a `redact:` variable is being entered). An input.
    case key
    /// A recognised keyword; `detail` is e.g. `sales@0.92` (word and confidence). An input.
    case keyword
    /// An HTTP call-out from the flow; `detail` is e.g. `POST https://…`.
    case http
    /// Set-up milestones; their time minus the call's `received_at` gives the set-up timings.
    case preAccept = "pre_accept"
    case connected
    case firstAudio = "first_audio"
    /// WhatsApp's call status webhook (RINGING, ACCEPTED, …); `detail` is the status.
    case status
    /// A `schedule_call` step asked for a call later; `detail` is e.g. `reminder at 2026-12-07T10:00:00+01:00 to 49…67`.
    case schedule
    /// The server began draining while the call ran; `detail` says what the call did about it.
    case drain
    /// The caller's answer to a recording's consent announcement: `granted` or `declined`.
    case consent
    /// An error on our side; `detail` starts with its code (e.g. `media_timeout: …`).
    case error
    /// The end of the call (written by the finalizer); `detail` is the reason.
    case end

    public var description: String { rawValue }
}
