import Foundation
import Store
import WhatsApp

/// The `/v1` JSON shapes (described in Deploy/openapi.yaml). Callers and recipients are masked to
/// their last four digits; variables come with the flow's `redact:` names masked.
enum ConsoleAPI {
    struct CallItem: Codable, Equatable {
        var callID: String
        var receivedAt: String?
        var phoneNumberID: String
        var caller: String
        var direction: String
        var flow: String?
        var flowVersion: String?
        var status: String
        var outcome: String
        var endReason: String?
        var durationSeconds: Int?
        var lastStep: String?
        var followup: String?

        enum CodingKeys: String, CodingKey {
            case callID = "call_id", receivedAt = "received_at", phoneNumberID = "phone_number_id", caller, direction
            case flow, flowVersion = "flow_version", status, outcome, endReason = "end_reason"
            case durationSeconds = "duration_seconds", lastStep = "last_step", followup
        }

        init(_ s: CallSummary) {
            let c = s.call
            callID = c.id
            receivedAt = ConsoleFormat.iso(c.receivedAt)
            phoneNumberID = c.phoneNumberID
            caller = Redact.phone(c.caller)
            direction = c.direction
            flow = c.flow
            flowVersion = c.flowVersion
            status = c.status.rawValue
            outcome = CallOutcomeClass.of(c).rawValue
            endReason = c.endReason
            durationSeconds = c.durationSeconds
            lastStep = s.lastStep
            followup = c.followupStatus
        }
    }

    struct CallList: Codable, Equatable {
        var calls: [CallItem]
        var total: Int
        var limit: Int
        var offset: Int
    }

    struct Event: Codable, Equatable {
        var at: String?
        var kind: String
        var detail: String
    }

    struct Message: Codable, Equatable {
        var id: Int64
        var callID: String
        var rule: String
        var to: String
        var status: String
        var attempts: Int
        var createdAt: String?
        var errorCode: Int?
        var errorDetail: String?

        enum CodingKeys: String, CodingKey {
            case id, callID = "call_id", rule, to, status, attempts, createdAt = "created_at"
            case errorCode = "error_code", errorDetail = "error_detail"
        }

        init(_ m: OutboxMessage) {
            id = m.id ?? 0
            callID = m.callID
            rule = m.ruleKey
            to = Redact.phone(m.recipient)
            status = m.status.rawValue
            attempts = m.attempts
            createdAt = ConsoleFormat.iso(m.createdAt)
            errorCode = m.errorCode
            errorDetail = m.errorDetail
        }
    }

    struct CallDetail: Codable, Equatable {
        var call: CallItem
        var path: [String]
        var inputs: [String]
        var variables: [String: String]
        var errorCodes: [String]
        var setupMs: [String: Int]
        var events: [Event]
        var outbox: [Message]
        var recordings: [String]
        /// A call we placed: what was asked for, WhatsApp's id and the user's permission (absent for inbound calls).
        var outbound: Placed? = nil

        enum CodingKeys: String, CodingKey {
            case call, path, inputs, variables, errorCodes = "error_codes", setupMs = "setup_ms", events, outbox, recordings
            case outbound
        }
    }

    struct FlowStats: Codable, Equatable {
        var flow: String
        var version: String?
        var since: String?
        var until: String?
        var funnel: FlowFunnel
    }
}
