import Foundation
import Hummingbird
import Store
import WhatsApp

extension ConsoleRoutes {
    func outboxRows(_ messages: [OutboxMessage], csrf: String?) -> [[String: Any]] {
        messages.map { m in
            ["id": m.id.map(String.init) ?? "-", "created": ConsoleFormat.time(m.createdAt), "callID": m.callID,
             "callPath": ConsoleFormat.encode(m.callID), "to": Redact.phone(m.recipient), "rule": m.ruleKey,
             "status": m.status.rawValue, "attempts": m.attempts,
             "error": m.errorCode.map { "\($0): \(m.errorDetail ?? "")" } ?? (m.errorDetail ?? "-"),
             "retryable": csrf != nil && (m.status == .failed || m.status == .pending), "csrf": csrf ?? ""]
        }
    }

    func outboxPage(_ request: Request) async throws -> Response {
        let fields = ConsoleFormat.form(request.uri.query)
        var statuses: [OutboxStatus]?
        if let s = fields["status"], !s.isEmpty {
            guard let status = OutboxStatus(rawValue: s) else { throw ConsoleInputError("status: \(s) is not an outbox status") }
            statuses = [status]
        }
        let messages = try await store.outboxMessages(statuses: statuses, callID: nil, limit: 500)
        let form = csrf(request)
        return renderer.html("outbox", [
            "title": "Outbox", "navOutbox": true, "csrf": form as Any,
            "notice": fields["retried"].map { "Message \($0) is due again now." } as Any,
            "statusOptions": Self.options(OutboxStatus.allCases.map(\.rawValue), selected: fields["status"]),
            "messages": outboxRows(messages.reversed(), csrf: form),
        ])
    }

    /// `POST /outbox/{id}/retry` from the console's form (the middleware checked its CSRF token).
    func retryForm(_ request: Request, id text: String) async throws -> Response {
        guard let id = Int64(text) else { throw ConsoleInputError("\(text) is not an outbox message id") }
        do {
            _ = try await store.retryOutbox(id: id, at: now())
        } catch let e as StoreError {
            switch e {
            case .noSuchOutboxMessage: throw ConsoleNotFound(e.description)
            default: throw ConsoleInputError(e.description)
            }
        }
        wakeOutbox()
        return Response(status: .seeOther, headers: [.location: "/outbox?retried=\(id)"])
    }

    func livePage(_ request: Request) async throws -> Response {
        let at = now()
        let calls = try await store.liveCalls(since: at.addingTimeInterval(-6 * 3600))
        let rows: [[String: Any]] = calls.map { s in
            let c = s.call
            let since = c.connectedAt ?? c.receivedAt
            return ["id": c.id, "idPath": ConsoleFormat.encode(c.id), "state": c.status.rawValue, "flow": c.flow ?? "-",
                    "lastStep": s.lastStep ?? "-", "duration": WireTime.rounded(at.timeIntervalSince(since)).map { "\(max(0, $0))s" } ?? "-",
                    "caller": Redact.phone(c.caller)]
        }
        return renderer.html("live", ["title": "Live calls", "navLive": true, "csrf": csrf(request) as Any, "rows": rows])
    }
}
