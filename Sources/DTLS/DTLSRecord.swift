/// DTLS record framing (RFC 6347 §4.1): a 13-byte header — content type, version (2), epoch (2),
/// sequence number (6), length (2) — then `length` bytes.
///
/// OpenSSL 3.0 has no datagram memory BIO, so one read of the write BIO may hold several records glued
/// together; `split` cuts them apart and `pack` puts whole records into datagrams no larger than the MTU.
public enum DTLSRecord {
    public static let headerLength = 13

    /// Splits `bytes` into whole records. Throws on a truncated header or body, a content type outside
    /// RFC 7983's DTLS range (20–63), or a version whose major byte is not 0xFE.
    public static func split(_ bytes: [UInt8]) throws(DTLSError) -> [[UInt8]] {
        guard !bytes.isEmpty else { throw .emptyDatagram }
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let available = bytes.count - offset
            guard available >= headerLength else {
                throw .truncatedRecordHeader(offset: offset, available: available)
            }
            let contentType = bytes[offset]
            guard (20...63).contains(contentType) else {
                throw .unexpectedContentType(offset: offset, contentType: contentType)
            }
            let version = UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset + 2])
            guard bytes[offset + 1] == 0xFE else {
                throw .unexpectedVersion(offset: offset, version: version)
            }
            let length = Int(bytes[offset + 11]) << 8 | Int(bytes[offset + 12])
            guard available - headerLength >= length else {
                throw .truncatedRecordBody(offset: offset, length: length, available: available - headerLength)
            }
            let end = offset + headerLength + length
            records.append(Array(bytes[offset..<end]))
            offset = end
        }
        return records
    }

    /// Packs records, in order, into datagrams of at most `mtu` bytes. A record larger than `mtu`
    /// (OpenSSL never makes one once the link MTU is set) travels alone rather than being cut.
    public static func pack(_ records: [[UInt8]], mtu: Int) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        for record in records {
            if !current.isEmpty && current.count + record.count > mtu {
                datagrams.append(current)
                current = []
            }
            current.append(contentsOf: record)
        }
        if !current.isEmpty { datagrams.append(current) }
        return datagrams
    }
}
