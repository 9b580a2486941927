import Foundation

/// Turns a verified webhook body into typed events. Runs only after the signature check.
public enum WebhookDecoder {
    public static func decode(_ body: [UInt8]) throws(WebhookDecodingError) -> [WebhookEvent] {
        let envelope: EnvelopePayload
        do {
            envelope = try JSONDecoder().decode(EnvelopePayload.self, from: Data(body))
        } catch let error as DecodingError {
            throw WebhookDecodingError.from(error)
        } catch {
            throw WebhookDecodingError(path: "$", message: "malformed JSON: \(error)")
        }
        var events: [WebhookEvent] = []
        for (e, entry) in envelope.entry.enumerated() {
            for (c, change) in entry.changes.enumerated() {
                let base = "entry[\(e)].changes[\(c)].value"
                events += try decode(change, wabaID: entry.id?.value, path: base)
            }
        }
        return events
    }

    private static func decode(_ change: ChangePayload, wabaID: String?, path: String) throws(WebhookDecodingError)
        -> [WebhookEvent] {
        let value = change.value
        let business = value.metadata.flatMap { m in
            m.phone_number_id.map {
                BusinessContext(wabaID: wabaID, phoneNumberID: $0.value, displayPhoneNumber: m.display_phone_number?.value)
            }
        }
        var events: [WebhookEvent] = []
        switch change.field {
        case "calls":
            for (i, call) in (value.calls ?? []).enumerated() {
                events.append(try callEvent(call, value: value, business: business, path: "\(path).calls[\(i)]"))
            }
            for status in value.statuses ?? [] {
                guard let business else { throw missing("\(path).metadata.phone_number_id", for: "call status") }
                events.append(.callStatus(CallStatusUpdate(
                    business: business, callID: status.id, status: CallProgress(status.status),
                    timestamp: status.timestamp?.value, recipientID: status.recipient_id?.value)))
            }
        case "messages":
            for status in value.statuses ?? [] {
                events.append(.messageStatus(MessageStatusUpdate(
                    business: business, messageID: status.id, status: MessageDelivery(status.status),
                    timestamp: status.timestamp?.value, recipientID: status.recipient_id?.value,
                    errors: (status.errors ?? []).map(webhookError))))
            }
            var replies = 0
            for message in value.messages ?? [] {
                guard message.interactive?.type == "call_permission_reply", let reply = message.interactive?.call_permission_reply,
                      let business, let id = message.id, let from = message.from?.value else { continue }
                replies += 1
                events.append(.permissionReply(CallPermissionReply(
                    business: business, messageID: id, from: from, accepted: reply.response?.lowercased() == "accept",
                    permanent: reply.is_permanent ?? false, expiresAt: reply.expiration_timestamp?.value,
                    source: reply.response_source, contextID: message.context?.id)))
            }
            if value.statuses == nil && replies == 0 {
                events.append(.unknown(UnknownEvent(field: change.field, kind: "messages", subjectID: nil)))
            }
        default:
            events.append(.unknown(UnknownEvent(field: change.field, kind: change.field, subjectID: nil)))
        }
        return events
    }

    private static func callEvent(_ call: CallPayload, value: ChangeValuePayload, business: BusinessContext?,
                                  path: String) throws(WebhookDecodingError) -> WebhookEvent {
        switch call.event.lowercased() {
        case "connect":
            guard let business else { throw missing("\(pathOfValue(path)).metadata.phone_number_id", for: "connect") }
            guard let from = call.from?.value ?? call.from_user_id else { throw missing("\(path).from", for: "connect") }
            guard let session = call.session else { throw missing("\(path).session", for: "connect") }
            guard let sdp = session.sdp, !sdp.isEmpty else { throw missing("\(path).session.sdp", for: "connect") }
            let contact = value.contacts?.first { $0.wa_id?.value == from } ?? value.contacts?.first
            return .connect(CallConnect(
                business: business, callID: call.id, from: from, fromUserID: call.from_user_id, to: call.to?.value,
                callerName: contact?.profile?.name, timestamp: call.timestamp?.value, direction: call.direction,
                sdpType: session.sdp_type ?? "offer", sdp: sdp, ctaPayload: call.cta_payload,
                deeplinkPayload: call.deeplink_payload))
        case "terminate":
            guard let business else { throw missing("\(pathOfValue(path)).metadata.phone_number_id", for: "terminate") }
            return .terminate(CallTerminate(
                business: business, callID: call.id, from: call.from?.value, to: call.to?.value,
                status: call.status.map(TerminateStatus.init), timestamp: call.timestamp?.value,
                startTime: call.start_time?.value, endTime: call.end_time?.value, durationSeconds: call.duration?.value,
                bizOpaqueCallbackData: call.biz_opaque_callback_data, errors: (value.errors ?? []).map(webhookError)))
        default:
            return .unknown(UnknownEvent(field: "calls", kind: call.event, subjectID: call.id))
        }
    }

    private static func pathOfValue(_ callPath: String) -> String {
        guard let range = callPath.range(of: ".calls[", options: .backwards) else { return callPath }
        return String(callPath[..<range.lowerBound])
    }

    private static func missing(_ path: String, for event: String) -> WebhookDecodingError {
        WebhookDecodingError(path: path, message: "required for event '\(event)' but missing or empty")
    }

    private static func webhookError(_ e: ErrorPayload) -> WebhookError {
        WebhookError(code: e.code?.value, message: e.message ?? e.title, details: e.error_data?.details)
    }
}
