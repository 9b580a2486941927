/// The JSON shapes of Meta's webhook envelope, decoded leniently: ids and times may arrive as
/// strings or numbers, and most fields are optional (WhatsApp omits them in some events).
/// `WebhookDecoder` turns these into typed `WebhookEvent`s.
struct EnvelopePayload: Decodable {
    let object: String
    let entry: [EntryPayload]
}

struct EntryPayload: Decodable {
    let id: LenientString?
    let changes: [ChangePayload]
}

struct ChangePayload: Decodable {
    let field: String
    let value: ChangeValuePayload
}

struct ChangeValuePayload: Decodable {
    let messaging_product: String?
    let metadata: MetadataPayload?
    let contacts: [ContactPayload]?
    let calls: [CallPayload]?
    let statuses: [StatusPayload]?
    let errors: [ErrorPayload]?
    let messages: [MessagePayload]?
}

/// An incoming message; only `interactive.call_permission_reply` is read.
struct MessagePayload: Decodable {
    struct Context: Decodable { let id: String? }
    struct Interactive: Decodable {
        struct Reply: Decodable {
            let response: String?
            let is_permanent: Bool?
            let expiration_timestamp: LenientString?
            let response_source: String?
        }
        let type: String?
        let call_permission_reply: Reply?
    }
    let id: String?
    let from: LenientString?
    let type: String?
    let context: Context?
    let interactive: Interactive?
}

struct MetadataPayload: Decodable {
    let phone_number_id: LenientString?
    let display_phone_number: LenientString?
}

struct ContactPayload: Decodable {
    struct Profile: Decodable { let name: String?; let username: String? }
    let profile: Profile?
    let wa_id: LenientString?
    let user_id: String?
}

struct SessionPayload: Decodable {
    let sdp_type: String?
    let sdp: String?
}

struct CallPayload: Decodable {
    let id: String
    let event: String
    let from: LenientString?
    let to: LenientString?
    let from_user_id: String?
    let timestamp: LenientString?
    let direction: String?
    let session: SessionPayload?
    let cta_payload: String?
    let deeplink_payload: String?
    let status: String?
    let start_time: LenientString?
    let end_time: LenientString?
    let duration: LenientDuration?
    let biz_opaque_callback_data: String?
}

struct StatusPayload: Decodable {
    let id: String
    let status: String
    let type: String?
    let timestamp: LenientString?
    let recipient_id: LenientString?
    let recipient_user_id: String?
    let biz_opaque_callback_data: String?
    let errors: [ErrorPayload]?
}

struct ErrorPayload: Decodable {
    struct Data: Decodable { let details: String? }
    let code: LenientInt?
    let title: String?
    let message: String?
    let href: String?
    let error_data: Data?
}

/// A string that WhatsApp sometimes sends as a JSON number (timestamps, ids). Public: the Graph
/// client reads its answers (call_permissions) with it too.
public struct LenientString: Decodable, Sendable {
    public let value: String
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            value = s
        } else if let i = try? c.decode(Int64.self) {
            value = String(i)
        } else if let d = try? c.decode(Double.self) {
            value = String(d)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                                 debugDescription: "expected a string or a number"))
        }
    }
}

/// An integer that may arrive as a JSON string ("42") or number.
public struct LenientInt: Decodable, Sendable {
    public let value: Int
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            value = i
        } else if let s = try? c.decode(String.self), let i = Int(s) {
            value = i
        } else {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: decoder.codingPath,
                                                              debugDescription: "expected an integer"))
        }
    }
}

/// A duration in seconds that may arrive as an integer, a decimal or a string. A value that is
/// not a finite number within 0…`WireTime.maxDurationSeconds` decodes as nil (the call is still
/// recorded, without WhatsApp's figure) instead of failing the whole delivery.
struct LenientDuration: Decodable, Sendable {
    let value: Int?
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        var number: Double?
        if let i = try? c.decode(Int.self) {
            number = Double(i)
        } else if let d = try? c.decode(Double.self) {
            number = d
        } else if let s = try? c.decode(String.self) {
            number = Double(s.trimmingCharacters(in: .whitespaces))
        }
        guard let number, number.isFinite, number >= 0, number <= Double(WireTime.maxDurationSeconds) else {
            value = nil
            return
        }
        value = Int(number.rounded())
    }
}
