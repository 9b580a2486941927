import Hashing

/// SHA-256 certificate fingerprints as written in SDP `a=fingerprint:sha-256` lines.
public enum DTLSFingerprint {
    /// SHA-256 of a certificate's DER encoding.
    public static func sha256(ofDER der: [UInt8]) -> [UInt8] {
        Digest.sha256(der)
    }

    /// Uppercase hex pairs joined by ':' ("AB:01:…").
    public static func format(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        var out = ""
        out.reserveCapacity(bytes.count * 3)
        for (i, b) in bytes.enumerated() {
            if i > 0 { out.append(":") }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return out
    }

    /// Parses "AB:01:…" (either case) into 32 bytes.
    public static func parse(_ text: String) throws(DTLSError) -> [UInt8] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 32 else {
            throw .invalidFingerprintText(text: text, reason: "\(parts.count) hex pairs, expected 32")
        }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for (index, part) in parts.enumerated() {
            guard part.utf8.count == 2, let byte = Hex.decode(String(part))?.first else {
                throw .invalidFingerprintText(text: text, reason: "pair \(index) \"\(part)\" is not two hex digits")
            }
            out.append(byte)
        }
        return out
    }

    /// Whether two fingerprints are equal (compared as bytes, so case never matters).
    public static func matches(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        constantTimeEqual(a, b)
    }
}
