import COpenSSL

/// The shortest protected record (epoch ≥ 1) the negotiated cipher can produce: explicit nonce and
/// tag for AEAD suites, IV plus at least one padded MAC block for CBC suites.
///
/// Why it matters: OpenSSL 3.0.19 does not drop a protected record shorter than that the way it
/// drops any other record that fails authentication; its record layer stops reading (every later
/// `SSL_read`, even of a valid close_notify, ends in SSL_ERROR_SYSCALL). RFC 6347 §4.1.2.7 says an
/// invalid record is discarded, so the endpoint discards such records before OpenSSL sees them.
enum DTLSProtectedRecordFloor {
    /// The smallest overhead any DTLS 1.2 suite has (a 16-byte AEAD tag, no explicit nonce).
    static let unknownCipher = 16

    /// The floor for `ssl`'s cipher: the current one once connected, else the pending one.
    static func bytes(for ssl: OpaquePointer, connected: Bool) -> Int {
        let cipher = connected ? SSL_get_current_cipher(ssl) : SSL_get_pending_cipher(ssl)
        guard let cipher else { return unknownCipher }
        let name = SSL_CIPHER_get_name(cipher).map { String(cString: $0) } ?? ""
        return bytes(cipherName: name, isAEAD: SSL_CIPHER_is_aead(cipher) == 1,
                     digestSize: digestSize(nid: SSL_CIPHER_get_digest_nid(cipher)))
    }

    /// The floor for a suite described by its OpenSSL name, AEAD-ness and MAC size (CBC suites).
    static func bytes(cipherName: String, isAEAD: Bool, digestSize: Int) -> Int {
        if isAEAD {
            if cipherName.contains("CHACHA20") { return 16 }   // no explicit nonce, 16-byte tag
            if cipherName.contains("CCM8") { return 8 + 8 }     // explicit nonce, 8-byte tag
            return 8 + 16                                         // GCM/CCM: explicit nonce, 16-byte tag
        }
        // CBC: a 16-byte IV, then MAC + at least one padding byte rounded up to whole 16-byte blocks.
        let padded = (digestSize + 1 + 15) / 16 * 16
        return 16 + padded
    }

    static func digestSize(nid: Int32) -> Int {
        switch nid {
        case NID_sha1: return 20
        case NID_sha256: return 32
        case NID_sha384: return 48
        default: return 0
        }
    }

    /// `records` (as split from one datagram) less the protected ones shorter than `floor` bytes of
    /// payload. Epoch-0 records are plaintext and pass as they are.
    static func filter(_ records: [[UInt8]], floor: Int) -> [[UInt8]] {
        records.filter { record in
            let epoch = UInt16(record[3]) << 8 | UInt16(record[4])
            return epoch == 0 || record.count - DTLSRecord.headerLength >= floor
        }
    }
}
