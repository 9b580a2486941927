import STUN
import Wire

/// One check-list entry: our socket (by the local address of the remote's family) and one remote candidate.
struct CandidatePair: Sendable {
    enum State: Sendable, Equatable { case waiting, inProgress, succeeded, failed }

    let id: Int
    var local: TransportAddress
    var localPriority: UInt32
    var remote: TransportAddress
    var remotePriority: UInt32
    var foundation: String
    var state: State = .waiting
    /// Controlled role: the peer's check on this pair carried USE-CANDIDATE.
    var nominatedByPeer = false

    /// RFC 8445 section 6.1.2.3: 2^32·min(G,D) + 2·max(G,D) + (G > D ? 1 : 0),
    /// G the controlling agent's candidate priority, D the controlled agent's.
    func priority(role: ICERole) -> UInt64 {
        role == .controlling
            ? ICEAgent.pairPriority(controlling: localPriority, controlled: remotePriority)
            : ICEAgent.pairPriority(controlling: remotePriority, controlled: localPriority)
    }

    /// Candidate priority (RFC 8445 section 5.1.2.1) for component 1.
    static func candidatePriority(typePreference: UInt32, localPreference: UInt32) -> UInt32 {
        (typePreference << 24) | ((localPreference & 0xFFFF) << 8) | (256 - 1)
    }

    static let hostTypePreference: UInt32 = 126
    static let peerReflexiveTypePreference: UInt32 = 110
}

/// An outstanding STUN request we sent.
struct CheckTransaction: Sendable {
    enum Kind: Sendable, Equatable { case check(nominating: Bool), consent }

    var pairID: Int
    var local: TransportAddress
    var remote: TransportAddress
    var bytes: [UInt8]
    var kind: Kind
    var sentAsRole: ICERole
    var sends = 1
    /// When the first send went out.
    var sentAt: Instant
    var rto: Duration
    /// When to retransmit, or (after the last send) when the transaction times out.
    var deadline: Instant
}

/// What went wrong with one remote address, for the failure reason.
struct RemoteDiagnostics: Sendable {
    var integrityFailures = 0
    var lastError: STUNErrorCode?
    var asymmetric: (count: Int, from: TransportAddress)?
}

extension ICEAgent {
    /// RFC 8445 section 6.1.2.3 pair priority, exposed for logs and tests.
    public static func pairPriority(controlling g: UInt32, controlled d: UInt32) -> UInt64 {
        let (g, d) = (UInt64(g), UInt64(d))
        return (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0)
    }

    /// The priority of our host candidate for `a=candidate` (type preference 126, component 1):
    /// 2130706431 for the first local address (local preference 65535); the n-th address added
    /// (0-based) uses local preference 65535 − n.
    public static func hostCandidatePriority(localPreference: UInt32 = 65535) -> UInt32 {
        CandidatePair.candidatePriority(typePreference: CandidatePair.hostTypePreference, localPreference: localPreference)
    }
}
