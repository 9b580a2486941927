import Foundation
import GRDB

/// One row of `call_events`: something that happened during a call (a step entered, a prompt played,
/// a key or keyword heard, an HTTP call-out, a set-up milestone), with its time. `show` prints these.
public struct CallEvent: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "call_events"

    public var id: Int64?
    public var callID: String
    public var at: Date
    public var kind: String
    public var detail: String

    public init(id: Int64? = nil, callID: String, at: Date, kind: String, detail: String) {
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

/// Well-known event kinds. The flow may record others; these are the ones the outcome reads.
public enum CallEventKind {
    /// A flow step entered; `detail` is the step name. Builds the outcome's path.
    public static let step = "step"
    /// A prompt played; `detail` is the prompt id.
    public static let prompt = "prompt"
    /// A DTMF key; `detail` is the key. An input.
    public static let key = "key"
    /// A recognised keyword; `detail` is e.g. `sales (0.92)` (word and confidence). An input.
    public static let keyword = "keyword"
    /// An HTTP call-out from the flow; `detail` is e.g. `POST https://… → 200 (120 ms)`.
    public static let http = "http"
    /// Set-up milestones; their time minus the call's `received_at` gives the set-up timings.
    public static let preAccept = "pre_accept"
    public static let connected = "connected"
    public static let firstAudio = "first_audio"
    /// An error on our side; `detail` starts with its code (e.g. `media_timeout: …`).
    public static let error = "error"
    /// The end of the call (written by the finalizer); `detail` is the reason.
    public static let end = "end"
}
