import Hashing

enum SecureRandomBytes {
    static func uint64() -> UInt64 {
        SecureRandom.bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
