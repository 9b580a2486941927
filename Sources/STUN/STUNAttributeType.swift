/// STUN attribute type codes used here (RFC 8489 section 18.3, RFC 8445 section 16.1).
public enum STUNAttributeType {
    public static let mappedAddress: UInt16 = 0x0001
    public static let username: UInt16 = 0x0006
    public static let messageIntegrity: UInt16 = 0x0008
    public static let errorCode: UInt16 = 0x0009
    public static let unknownAttributes: UInt16 = 0x000A
    public static let xorMappedAddress: UInt16 = 0x0020
    public static let priority: UInt16 = 0x0024
    public static let useCandidate: UInt16 = 0x0025
    public static let software: UInt16 = 0x8022
    public static let fingerprint: UInt16 = 0x8028
    public static let iceControlled: UInt16 = 0x8029
    public static let iceControlling: UInt16 = 0x802A

    /// "USERNAME (0x0006)", or just the hex code for types we do not know by name.
    public static func name(_ type: UInt16) -> String {
        let names: [UInt16: String] = [
            mappedAddress: "MAPPED-ADDRESS", username: "USERNAME", messageIntegrity: "MESSAGE-INTEGRITY",
            errorCode: "ERROR-CODE", unknownAttributes: "UNKNOWN-ATTRIBUTES", xorMappedAddress: "XOR-MAPPED-ADDRESS", priority: "PRIORITY",
            useCandidate: "USE-CANDIDATE", software: "SOFTWARE", fingerprint: "FINGERPRINT",
            iceControlled: "ICE-CONTROLLED", iceControlling: "ICE-CONTROLLING",
        ]
        if let name = names[type] { return "\(name) (\(hex16(type)))" }
        return hex16(type)
    }
}
