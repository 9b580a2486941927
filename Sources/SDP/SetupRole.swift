/// `a=setup:` (RFC 4145 / 8842).
public enum SetupRole: String, Sendable, Hashable, CaseIterable {
    case actpass, active, passive, holdconn
}
