/// A call action posted to `/{version}/{phone-number-id}/calls` (or the BSP's calls path).
public enum CallAction: Equatable, Sendable {
    case preAccept(callID: String, sdp: String)
    case accept(callID: String, sdp: String, bizOpaqueCallbackData: String? = nil)
    case reject(callID: String)
    case terminate(callID: String)

    /// The `action` field's value.
    public var name: String {
        switch self {
        case .preAccept: return "pre_accept"
        case .accept: return "accept"
        case .reject: return "reject"
        case .terminate: return "terminate"
        }
    }

    public var callID: String {
        switch self {
        case let .preAccept(id, _), let .accept(id, _, _), let .reject(id), let .terminate(id): return id
        }
    }

    /// The exact JSON body. `sdp_type` is always "answer" (Meta's examples; "offer" keeps calls from connecting).
    var body: Body {
        switch self {
        case let .preAccept(id, sdp):
            return Body(call_id: id, action: name, session: .init(sdp_type: "answer", sdp: sdp))
        case let .accept(id, sdp, opaque):
            return Body(call_id: id, action: name, session: .init(sdp_type: "answer", sdp: sdp),
                        biz_opaque_callback_data: opaque)
        case let .reject(id), let .terminate(id):
            return Body(call_id: id, action: name)
        }
    }

    struct Body: Encodable, Equatable {
        struct Session: Encodable, Equatable {
            let sdp_type: String
            let sdp: String
        }

        var messaging_product = "whatsapp"
        let call_id: String
        let action: String
        var session: Session? = nil
        var biz_opaque_callback_data: String? = nil
    }
}

/// The `connect` body of a business-initiated call: `sdp_type` is "offer" (ours).
struct ConnectBody: Encodable, Equatable {
    struct Session: Encodable, Equatable {
        var sdp_type = "offer"
        let sdp: String
    }

    var messaging_product = "whatsapp"
    let to: String
    var action = "connect"
    let session: Session
    var biz_opaque_callback_data: String? = nil
}

/// `{"messaging_product":"whatsapp","calls":[{"id":"wacid…"}]}`
struct ConnectResponse: Decodable {
    struct Call: Decodable { let id: String }
    let calls: [Call]?
}

/// `{"messaging_product":"whatsapp","success":true}`
struct CallActionResponse: Decodable {
    let success: Bool?
}

/// `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}`
struct MessageSendResponse: Decodable {
    struct Message: Decodable { let id: String }
    let messages: [Message]?
}
