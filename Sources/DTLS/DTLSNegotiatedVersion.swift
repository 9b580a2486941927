import COpenSSL

/// Once connected, records whose version is not the negotiated one.
///
/// Why it matters: OpenSSL 3.0.19's client, handed such a record (DTLS 1.0's 0xFEFF, or any other 0xFExx)
/// with a body of the right size, does not drop it as RFC 6347 §4.1.2.7 asks: its `SSL_read` ends in
/// SSL_ERROR_SYSCALL and it sends the peer an internal_error alert, which ends the association for both.
/// Nobody without the keys may end it, so the endpoint discards such records before OpenSSL sees them.
/// Found by the `dtls` fuzz target (Fuzz/corpus/dtls/crash-wrong-version-after-handshake).
enum DTLSNegotiatedVersion {
    /// The version `ssl` negotiated (0xFEFD for DTLS 1.2).
    static func of(_ ssl: OpaquePointer) -> UInt16 {
        UInt16(truncatingIfNeeded: SSL_version(ssl))
    }

    /// `records` less those whose version is not `negotiated`.
    static func filter(_ records: [[UInt8]], negotiated: UInt16) -> (kept: [[UInt8]], dropped: UInt16?) {
        var dropped: UInt16?
        let kept = records.filter { record in
            let version = UInt16(record[1]) << 8 | UInt16(record[2])
            if version != negotiated { dropped = version }
            return version == negotiated
        }
        return (kept, dropped)
    }
}
