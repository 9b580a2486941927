import Foundation
import Store
import WhatsApp

/// What `ivrd calls` prints: call tables, one call's timeline, the outbox — as text or JSON.
/// Callers are always masked to their last four digits.
public enum CallsReport {
    /// `--since`: `90m`, `2h`, `1d`, `1w`, or an ISO date (`2026-11-25`) or date-time (`2026-11-25T10:00:00Z`).
    public static func parseSince(_ text: String, now: Date) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        // At most about 100 years back: a larger (or non-finite) amount is not a date.
        if let unit = t.last, let n = Double(t.dropLast()), n.isFinite, n >= 0, n <= 3_200_000_000 {
            let seconds: Double? = switch unit {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86_400
            case "w": 604_800
            default: nil
            }
            if let seconds, n * seconds <= 3_200_000_000 { return now.addingTimeInterval(-n * seconds) }
        }
        let full = ISO8601DateFormatter()
        if let d = full.date(from: t) { return d }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: t)
    }

    static func time(_ d: Date?) -> String {
        guard let d else { return "-" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return f.string(from: d)
    }

    static func iso(_ d: Date?) -> Any {
        guard let d else { return NSNull() }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }

    static func duration(_ call: CallRecord) -> String {
        if let s = call.durationSeconds { return "\(s)s" }
        if let c = call.connectedAt, let e = call.endedAt, let s = WireTime.rounded(e.timeIntervalSince(c)) { return "\(s)s" }
        return "-"
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    public static func listText(_ calls: [CallSummary]) -> String {
        table(["TIME", "CALL ID", "NUMBER", "CALLER", "FLOW", "DURATION", "STATUS", "LAST STEP", "FOLLOW-UP"],
              calls.map { s in
                  let c = s.call
                  return [time(c.receivedAt), c.id, c.phoneNumberID, Redact.phone(c.caller), c.flow ?? "-", duration(c),
                          c.status.rawValue, s.lastStep ?? "-", c.followupStatus ?? "-"]
              })
    }

    static func callObject(_ c: CallRecord, lastStep: String?) -> [String: Any] {
        [
            "time": iso(c.receivedAt), "call_id": c.id, "phone_number_id": c.phoneNumberID,
            "caller": Redact.phone(c.caller), "flow": c.flow ?? NSNull(), "flow_version": c.flowVersion ?? NSNull(),
            "status": c.status.rawValue, "reason": c.reason ?? NSNull(), "end_reason": c.endReason ?? NSNull(),
            "duration_seconds": c.durationSeconds ?? NSNull(), "connected_at": iso(c.connectedAt),
            "ended_at": iso(c.endedAt), "finalized_at": iso(c.finalizedAt), "last_step": lastStep ?? NSNull(),
            "path": c.path, "inputs": c.inputs, "variables": c.variables, "wa_status": c.waStatus ?? NSNull(),
            "setup_ms": ["pre_accept": c.setupPreAcceptMs ?? NSNull(), "connected": c.setupConnectedMs ?? NSNull(),
                         "first_audio": c.setupFirstAudioMs ?? NSNull()] as [String: Any],
            "error_codes": c.errorCodes.map { $0.split(separator: ",").map(String.init) } ?? [],
            "followup": c.followupStatus ?? NSNull(), "recording_consent": c.recordingConsent ?? NSNull(),
        ]
    }

    static func outboxObject(_ m: OutboxMessage) -> [String: Any] {
        [
            "id": m.id ?? 0, "call_id": m.callID, "rule_key": m.ruleKey, "phone_number_id": m.phoneNumberID,
            "to": Redact.phone(m.recipient), "status": m.status.rawValue, "attempts": m.attempts,
            "created_at": iso(m.createdAt), "next_attempt_at": iso(m.nextAttemptAt),
            "last_attempt_at": iso(m.lastAttemptAt), "wamid": m.wamid ?? NSNull(), "error_code": m.errorCode ?? NSNull(),
            "error_detail": m.errorDetail ?? NSNull(),
        ]
    }

    static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value,
                                                options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func listJSON(_ calls: [CallSummary]) -> String {
        json(calls.map { callObject($0.call, lastStep: $0.lastStep) })
    }

    /// One call: its row, then every event with its offset from the connect webhook, then its follow-ups.
    public static func showText(_ call: CallRecord, events: [CallEvent], outbox: [OutboxMessage]) -> String {
        var out = """
            call      \(call.id)
            number    \(call.phoneNumberID)
            caller    \(Redact.phone(call.caller))
            flow      \(call.flow ?? "-")\(call.flowVersion.map { " (\($0))" } ?? "")
            status    \(call.status.rawValue)\(call.endReason.map { " (ended by \($0))" } ?? "")
            received  \(time(call.receivedAt))
            duration  \(duration(call))
            reason    \(call.reason ?? "-")
            errors    \(call.errorCodes ?? "-")
            follow-up \(call.followupStatus ?? "-")
            recording \(call.recordingConsent.map { "consent \($0)" } ?? "-")

            """
        out += table(["OFFSET", "TIME", "KIND", "DETAIL"], events.map { e in
            let offset = WireTime.rounded(e.at.timeIntervalSince(call.receivedAt), scale: 1000)
                .map { String(format: "%+.3fs", Double($0) / 1000) } ?? "?"
            return [offset, time(e.at), e.kind.rawValue, e.detail]
        })
        if !outbox.isEmpty {
            out += "\n" + outboxText(outbox)
        }
        return out
    }

    public static func showJSON(_ call: CallRecord, events: [CallEvent], outbox: [OutboxMessage]) -> String {
        json([
            "call": callObject(call, lastStep: events.last { $0.kind == CallEventKind.step }?.detail),
            "events": events.map { ["at": iso($0.at), "kind": $0.kind.rawValue, "detail": $0.detail] as [String: Any] },
            "outbox": outbox.map(outboxObject),
        ] as [String: Any])
    }

    public static func outboxText(_ messages: [OutboxMessage]) -> String {
        table(["ID", "CREATED", "CALL ID", "TO", "RULE", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "ERROR"], messages.map { m in
            [String(m.id ?? 0), time(m.createdAt), m.callID, Redact.phone(m.recipient), m.ruleKey, m.status.rawValue,
             String(m.attempts), m.status == .pending ? time(m.nextAttemptAt) : "-",
             m.errorCode.map { "\($0): \(m.errorDetail ?? "")" } ?? (m.errorDetail ?? "-")]
        })
    }

    public static func outboxJSON(_ messages: [OutboxMessage]) -> String {
        json(messages.map(outboxObject))
    }
}
