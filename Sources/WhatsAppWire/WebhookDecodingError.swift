/// A webhook body that is not the JSON we expect. `path` names the failing field
/// (`entry[0].changes[0].value.calls[0].id`), or `$` for the document itself.
public struct WebhookDecodingError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "invalid webhook payload at \(path): \(message)" }

    static func from(_ error: DecodingError) -> WebhookDecodingError {
        switch error {
        case let .keyNotFound(key, ctx):
            return .init(path: render(ctx.codingPath + [key]), message: "required key is missing")
        case let .typeMismatch(type, ctx):
            return .init(path: render(ctx.codingPath), message: "expected \(typeName(type)); \(ctx.debugDescription)")
        case let .valueNotFound(type, ctx):
            return .init(path: render(ctx.codingPath), message: "expected \(typeName(type)), found null")
        case let .dataCorrupted(ctx):
            var message = "malformed JSON: \(ctx.debugDescription)"
            if let underlying = ctx.underlyingError {
                let text = "\(underlying)"
                if !text.isEmpty { message += " (\(text))" }
            }
            return .init(path: render(ctx.codingPath), message: message)
        @unknown default:
            return .init(path: "$", message: "\(error)")
        }
    }

    static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue {
                out += "[\(i)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out.isEmpty ? "$" : out
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") || name.hasSuffix("Payload") { return "an object" }
        if name == "String" || name == "LenientString" { return "a string" }
        if name == "Int" || name == "LenientInt" { return "an integer" }
        return name
    }
}
