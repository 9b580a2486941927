/// A message that leads back to a call (../whatsapp-calling.md section 4), with the API's limits.
/// Codable (synthesized: `{"template":{"to":…,"name":…}}`) so the outbox can store it as JSON.
public enum OutboundMessage: Codable, Equatable, Sendable {
    /// Interactive `voice_call` button (only within the customer-service window).
    case voiceCallButton(to: String, body: String, displayText: String?, ttlMinutes: Int?, payload: String?)
    /// An approved template with a `voice_call` button.
    case template(to: String, name: String, languageCode: String, ttlMinutes: Int?, payload: String?)
    /// Interactive `call_permission_request`: asks the user to let the business call them.
    case callPermissionRequest(to: String, body: String)

    public static let displayTextMax = 20
    public static let payloadMax = 512
    public static let ttlRange = 1...43200

    /// Problems with the fields against the API's limits; empty when the message can be sent.
    public var problems: [String] {
        var out: [String] = []
        switch self {
        case let .voiceCallButton(to, body, displayText, ttl, payload):
            if to.isEmpty { out.append("'to' is empty") }
            if body.isEmpty { out.append("body text is empty") }
            if let d = displayText, d.count > Self.displayTextMax {
                out.append("display_text has \(d.count) characters, at most \(Self.displayTextMax) allowed")
            }
            out += Self.check(ttl: ttl, payload: payload)
        case let .template(to, name, lang, ttl, payload):
            if to.isEmpty { out.append("'to' is empty") }
            if name.isEmpty { out.append("template name is empty") }
            if lang.isEmpty { out.append("template language code is empty") }
            out += Self.check(ttl: ttl, payload: payload)
        case let .callPermissionRequest(to, body):
            if to.isEmpty { out.append("'to' is empty") }
            if body.isEmpty { out.append("body text is empty") }
        }
        return out
    }

    private static func check(ttl: Int?, payload: String?) -> [String] {
        var out: [String] = []
        if let t = ttl, !ttlRange.contains(t) { out.append("ttl_minutes \(t) outside \(ttlRange.lowerBound)–\(ttlRange.upperBound)") }
        if let p = payload, p.count > payloadMax { out.append("payload has \(p.count) characters, at most \(payloadMax) allowed") }
        return out
    }

    var body: Body {
        switch self {
        case let .voiceCallButton(to, text, displayText, ttl, payload):
            return Body(to: to, type: "interactive", interactive: .init(
                type: "voice_call", body: .init(text: text),
                action: .init(name: "voice_call", parameters: .init(display_text: displayText, ttl_minutes: ttl,
                                                                    payload: payload))))
        case let .template(to, name, lang, ttl, payload):
            var params: [Body.Template.Parameter] = []
            if let ttl { params.append(.init(type: "ttl_minutes", ttl_minutes: ttl)) }
            if let payload { params.append(.init(type: "payload", payload: payload)) }
            let components = params.isEmpty ? [] : [Body.Template.Component(type: "button", sub_type: "voice_call",
                                                                            index: nil, parameters: params)]
            return Body(to: to, type: "template", template: .init(name: name, language: .init(code: lang),
                                                                  components: components))
        case let .callPermissionRequest(to, text):
            return Body(to: to, type: "interactive", interactive: .init(
                type: "call_permission_request", body: .init(text: text),
                action: .init(name: "call_permission_request", parameters: nil)))
        }
    }

    struct Body: Encodable, Equatable {
        struct Interactive: Encodable, Equatable {
            struct Text: Encodable, Equatable { let text: String }
            struct Action: Encodable, Equatable {
                struct Parameters: Encodable, Equatable {
                    let display_text: String?
                    let ttl_minutes: Int?
                    let payload: String?
                }
                let name: String
                let parameters: Parameters?
            }
            let type: String
            let body: Text
            let action: Action
        }

        struct Template: Encodable, Equatable {
            struct Language: Encodable, Equatable { let code: String }
            struct Parameter: Encodable, Equatable {
                let type: String
                var ttl_minutes: Int? = nil
                var payload: String? = nil
            }
            struct Component: Encodable, Equatable {
                let type: String
                let sub_type: String
                let index: String?
                let parameters: [Parameter]
            }
            let name: String
            let language: Language
            let components: [Component]
        }

        var messaging_product = "whatsapp"
        var recipient_type = "individual"
        let to: String
        let type: String
        var interactive: Interactive? = nil
        var template: Template? = nil
    }
}
