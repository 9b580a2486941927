import COpenSSL

/// Message authentication codes and digests over OpenSSL's EVP interface.
public enum HMAC {
    /// HMAC-SHA256 of `data` under `key` (webhook signatures).
    public static func sha256<K: Collection, D: Collection>(key: K, data: D) -> [UInt8]
    where K.Element == UInt8, D.Element == UInt8 {
        compute(EVP_sha256(), 32, Array(key), Array(data))
    }

    /// HMAC-SHA1 of `data` under `key` (STUN MESSAGE-INTEGRITY).
    public static func sha1<K: Collection, D: Collection>(key: K, data: D) -> [UInt8]
    where K.Element == UInt8, D.Element == UInt8 {
        compute(EVP_sha1(), 20, Array(key), Array(data))
    }

    private static func compute(_ md: OpaquePointer?, _ size: Int, _ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                _ = COpenSSL.HMAC(md, k.baseAddress, Int32(k.count), d.bindMemory(to: UInt8.self).baseAddress,
                                  d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length == 0 ? UInt32(size) : length)))
    }
}

/// One-shot digests.
public enum Digest {
    public static func sha256<D: Collection>(_ data: D) -> [UInt8] where D.Element == UInt8 {
        var out = [UInt8](repeating: 0, count: 32)
        Array(data).withUnsafeBytes { d in
            _ = SHA256(d.bindMemory(to: UInt8.self).baseAddress, d.count, &out)
        }
        return out
    }
}

/// Comparison whose running time does not depend on where the inputs differ.
public func constantTimeEqual<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    let x = Array(a), y = Array(b)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<x.count { diff |= x[i] ^ y[i] }
    return diff == 0
}

/// Cryptographically strong random bytes from OpenSSL's generator.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if RAND_bytes(&out, Int32(count)) != 1 {
            // RAND_bytes only fails when the generator cannot be seeded; fall back to the system generator.
            var rng = SystemRandomNumberGenerator()
            for i in 0..<count { out[i] = UInt8.random(in: .min ... .max, using: &rng) }
        }
        return out
    }
}
