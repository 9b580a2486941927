import COpenSSL
import Foundation
import Hashing

/// Independent AES-CM (RFC 3711 4.1.1) built on OpenSSL's AES-128-CTR, for checking libsrtp's output.
enum TestCrypto {
    /// AES-128-CTR keystream of `length` bytes starting at the 128-bit counter block `iv`.
    static func aesCTR(key: [UInt8], iv: [UInt8], length: Int) -> [UInt8] {
        guard let ctx = EVP_CIPHER_CTX_new() else { return [] }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nil, key, iv) == 1 else { return [] }
        let zeros = [UInt8](repeating: 0, count: length)
        var out = [UInt8](repeating: 0, count: length + 16)
        var written: Int32 = 0
        guard EVP_EncryptUpdate(ctx, &out, &written, zeros, Int32(length)) == 1 else { return [] }
        return Array(out.prefix(Int(written)))
    }

    /// RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), with i = ROC * 2^16 + SEQ.
    static func srtpIV(sessionSalt: [UInt8], ssrc: UInt32, index: UInt64) -> [UInt8] {
        var iv = sessionSalt + [0, 0]  // 112-bit salt shifted left 16 bits
        for k in 0..<4 { iv[4 + k] ^= UInt8(truncatingIfNeeded: ssrc >> UInt32(24 - 8 * k)) }
        for k in 0..<6 { iv[8 + k] ^= UInt8(truncatingIfNeeded: index >> UInt64(40 - 8 * k)) }
        return iv
    }

    /// The AES-CM keystream that encrypts the payload of packet `index` from `ssrc`.
    static func srtpKeystream(sessionKey: [UInt8], sessionSalt: [UInt8], ssrc: UInt32, index: UInt64,
                              length: Int) -> [UInt8] {
        aesCTR(key: sessionKey, iv: srtpIV(sessionSalt: sessionSalt, ssrc: ssrc, index: index), length: length)
    }

    /// RFC 3711 4.3.1 key derivation with key_derivation_rate 0: x = (label || r) XOR master salt.
    static func deriveSessionKey(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) -> [UInt8] {
        var x = masterSalt
        x[7] ^= label
        return aesCTR(key: masterKey, iv: x + [0, 0], length: length)
    }

    /// The 80-bit HMAC-SHA1 tag over the authenticated portion and the ROC (RFC 3711 4.2).
    static func srtpTag(authKey: [UInt8], authenticated: [UInt8], roc: UInt32) -> [UInt8] {
        let rocBytes = (0..<4).map { UInt8(truncatingIfNeeded: roc >> UInt32(24 - 8 * $0)) }
        return Array(HMAC.sha1(key: authKey, data: authenticated + rocBytes).prefix(10))
    }
}

/// Named hex vectors from Fixtures/rfc3711_appendix_b.txt.
enum Vectors {
    static let all: [String: [UInt8]] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rfc3711_appendix_b.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var result: [String: [UInt8]] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let bytes = Hex.decode(parts[1].trimmingCharacters(in: .whitespaces)) else { continue }
            result[String(parts[0])] = bytes
        }
        return result
    }()

    static func get(_ name: String) -> [UInt8] { all[name] ?? [] }
}

/// The `description` of the error thrown by `body`, or nil when nothing was thrown.
func errorText<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// A plain RTP packet: V=2, PT 111, the given sequence, timestamp 960 per packet, SSRC, payload.
func rtpPacket(seq: UInt16, ssrc: UInt32, payload: [UInt8], marker: Bool = false) -> [UInt8] {
    let ts = UInt32(seq) &* 960
    var p: [UInt8] = [0x80, (marker ? 0x80 : 0) | 111, UInt8(seq >> 8), UInt8(seq & 0xff)]
    p += (0..<4).map { UInt8(truncatingIfNeeded: ts >> UInt32(24 - 8 * $0)) }
    p += (0..<4).map { UInt8(truncatingIfNeeded: ssrc >> UInt32(24 - 8 * $0)) }
    return p + payload
}
