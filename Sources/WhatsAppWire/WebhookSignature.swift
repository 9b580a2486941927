import Hashing

/// Why a webhook delivery's signature was refused.
public enum SignatureError: Error, Equatable, CustomStringConvertible {
    case missingHeader
    case malformed(String)
    case mismatch

    public var description: String {
        switch self {
        case .missingHeader:
            return "signature header X-Hub-Signature-256 is missing"
        case let .malformed(why):
            return "signature header X-Hub-Signature-256 is malformed: \(why)"
        case .mismatch:
            return "signature mismatch: X-Hub-Signature-256 is not the HMAC-SHA256 of the body under the app secret"
        }
    }

    /// A short, stable label for metrics.
    public var metricReason: String {
        switch self {
        case .missingHeader: return "signature_missing"
        case .malformed: return "signature_malformed"
        case .mismatch: return "signature_mismatch"
        }
    }
}

/// `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body under the app secret.
public enum WebhookSignature {
    public static let headerName = "X-Hub-Signature-256"
    private static let prefix = "sha256="

    /// The header value Meta would send for `body`.
    public static func sign<B: Collection>(body: B, secret: String) -> String where B.Element == UInt8 {
        prefix + Hex.encode(HMAC.sha256(key: Array(secret.utf8), data: body))
    }

    /// Checks `header` against the raw `body` bytes. Runs before any JSON decoding.
    /// The digest comparison is constant-time.
    public static func verify<B: Collection>(body: B, header: String?, secret: String) throws(SignatureError)
    where B.Element == UInt8 {
        guard let header else { throw .missingHeader }
        let value = header.trimmingASCIISpaces()
        guard value.lowercased().hasPrefix(prefix) else {
            throw .malformed("expected 'sha256=' followed by 64 hex digits")
        }
        let hex = value.dropFirst(prefix.count)
        guard hex.utf8.count == 64 else {
            throw .malformed("expected 64 hex digits after 'sha256=', found \(hex.utf8.count) characters")
        }
        guard let given = Hex.decode(String(hex)) else {
            throw .malformed("digest contains a character that is not a hex digit")
        }
        let expected = HMAC.sha256(key: Array(secret.utf8), data: body)
        guard constantTimeEqual(given, expected) else { throw .mismatch }
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
