/// `a=fingerprint:<hash function> <hex pairs joined by colons>` (RFC 8122).
///
/// The algorithm is kept lowercased (`sha-256`); bytes compare exactly, so two fingerprints whose hex
/// differed only in case are equal.
public struct Fingerprint: Sendable, Hashable, CustomStringConvertible {
    public var algorithm: String
    public var bytes: [UInt8]

    public init(algorithm: String, bytes: [UInt8]) {
        self.algorithm = algorithm.lowercased()
        self.bytes = bytes
    }

    /// A sha-256 fingerprint of these 32 digest bytes.
    public static func sha256(_ bytes: [UInt8]) -> Fingerprint { Fingerprint(algorithm: "sha-256", bytes: bytes) }

    /// Parses the attribute value, e.g. `sha-256 5A:2C:…`; nil if it is malformed.
    public init?(attributeValue: String) {
        guard let parsed = try? Fingerprint(parsing: attributeValue[...]) else { return nil }
        self = parsed
    }

    init(parsing text: Substring) throws(FieldError) {
        let t = text.tokens
        let algorithm = try Numbers.token(t, 0, expected: "a hash function such as 'sha-256'")
        let hex = try Numbers.token(t, 1, expected: "hex pairs joined by colons")
        guard t.count == 2 else { throw FieldError("end of line after the fingerprint", found: t[2]) }
        guard let bytes = Self.parseHex(String(hex)) else {
            throw FieldError("hex pairs joined by colons", found: hex)
        }
        self.init(algorithm: String(algorithm), bytes: bytes)
    }

    /// Uppercase hex pairs joined by colons: `[0x5a, 0x2c]` → `5A:2C`.
    public static func formatHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]]) }.joined(separator: ":")
    }

    /// Hex pairs joined by colons, either case: `5a:2C` → `[0x5a, 0x2c]`; nil if malformed or empty.
    public static func parseHex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for pair in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.count == 2, let byte = UInt8(pair, radix: 16), pair.allSatisfy(\.isHexDigit) else { return nil }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : bytes
    }

    /// Whether two colon-separated hex fingerprints name the same bytes (case does not matter).
    public static func hexEqual(_ a: String, _ b: String) -> Bool {
        guard let x = parseHex(a), let y = parseHex(b) else { return false }
        return x == y
    }

    /// Whether this fingerprint is `algorithm` over exactly these digest bytes (algorithm compared without case).
    public func matches(algorithm: String, digest: [UInt8]) -> Bool {
        self.algorithm == algorithm.lowercased() && bytes == digest
    }

    /// Uppercase hex pairs of `bytes`.
    public var hex: String { Self.formatHex(bytes) }

    /// The text after `a=fingerprint:`: `sha-256 5A:2C:…`.
    public var description: String { "\(algorithm) \(hex)" }
}
