/// Masking for values that must not reach logs in full.
public enum Redact {
    /// A phone number or user id masked to its last four characters: "***1234".
    public static func phone(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "-" }
        let chars = Array(value)
        guard chars.count > 4 else { return "***" }
        return "***" + String(chars.suffix(4))
    }
}
