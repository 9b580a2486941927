import RTP
import STUN
import Wire

/// Routes the datagrams of one shared UDP socket to the call sessions behind it, sans-IO.
///
/// - From a remote address ICE validated for a session (`validated(_:by:)`): to that session,
///   whatever the datagram is (STUN, DTLS, SRTP, SRTCP). This is the path of nearly every packet:
///   one dictionary look-up, the bytes are not read.
/// - From any other address, only STUN reaches a session:
///   - a Binding request whose USERNAME starts with a member's ufrag and whose MESSAGE-INTEGRITY
///     verifies under that member's password (a connectivity check);
///   - a response to a Binding request a member sent (`sent(_:to:by:now:)`), from the address it was
///     sent to, matched by transaction ID.
/// - Everything else is dropped and counted. A drop produces no datagram at all, so nothing that is not
///   a valid check for a known ufrag is ever answered (no reflection, no amplification).
///
/// Two sessions on one socket must not share a remote address: their datagrams could not be told apart.
/// `add` refuses a session whose remote candidates another member already uses, so the caller can
/// place it on another socket.
public struct SharedPortDemultiplexer<ID: Hashable & Sendable>: Sendable {
    public enum Route: Equatable, Sendable {
        case session(ID, Via)
        case drop(DropReason)
    }

    /// How a datagram found its session.
    public enum Via: Equatable, Sendable {
        case address
        case check
        case response
    }

    public enum DropReason: Equatable, Sendable, CustomStringConvertible {
        /// Not STUN (DTLS, RTP, …) from an address no session validated.
        case unknownAddress(PacketClass)
        case malformedSTUN
        /// A STUN message that is neither a Binding request nor a response (indications, other methods).
        case unexpectedSTUN
        case noUsername
        case unknownUfrag
        case integrityMismatch
        case unknownTransaction

        public var description: String {
            switch self {
            case let .unknownAddress(c): return "\(c) from an unknown address"
            case .malformedSTUN: return "malformed STUN"
            case .unexpectedSTUN: return "STUN that is neither a Binding request nor a response"
            case .noUsername: return "a check without USERNAME"
            case .unknownUfrag: return "a check for an unknown ufrag"
            case .integrityMismatch: return "a check whose MESSAGE-INTEGRITY does not verify"
            case .unknownTransaction: return "a response to no check we sent"
            }
        }
    }

    public enum AddError: Error, Equatable, Sendable {
        case ufragInUse(String)
        case remoteAddressInUse(TransportAddress)
    }

    public struct Counters: Equatable, Sendable {
        public var byAddress = 0
        public var byCheck = 0
        public var byResponse = 0
        public var dropped = 0
        public var lastDrop: DropReason?
        /// Checks sent while the transaction table was full (their responses will be dropped).
        public var transactionsNotRecorded = 0
    }

    struct Member: Sendable {
        var ufrag: String
        var key: [UInt8]
        var candidates: [TransportAddress]
        var addresses: [TransportAddress] = []
    }

    struct Pending: Sendable {
        var id: ID
        var destination: TransportAddress
        var expires: Instant
    }

    public private(set) var counters = Counters()
    private var members: [ID: Member] = [:]
    private var byUfrag: [String: ID] = [:]
    private var byAddress: [TransportAddress: ID] = [:]
    /// Remote candidates each member may use: a new member must not share one.
    private var claimed: [TransportAddress: ID] = [:]
    private var pending: [[UInt8]: Pending] = [:]
    let transactionLifetime: Duration
    let maxPendingTransactions: Int

    /// - Parameters:
    ///   - transactionLifetime: how long a sent check's response is expected (longer than ICE's
    ///     retransmission span).
    ///   - maxPendingTransactions: the bound on remembered checks.
    public init(transactionLifetime: Duration = .seconds(30), maxPendingTransactions: Int = 8192) {
        self.transactionLifetime = transactionLifetime
        self.maxPendingTransactions = maxPendingTransactions
    }

    public var memberCount: Int { members.count }

    /// Whether a session with these remote candidates could join (none is another member's).
    public func conflict(remoteCandidates: [TransportAddress]) -> TransportAddress? {
        remoteCandidates.first { claimed[$0] != nil || byAddress[$0] != nil }
    }

    /// Adds a session: checks for `ufrag` (verified with `password`) reach it, as do responses to the
    /// checks it sends. Throws when the ufrag or one of the remote candidates is taken.
    public mutating func add(_ id: ID, ufrag: String, password: String,
                             remoteCandidates: [TransportAddress]) throws(AddError) {
        guard byUfrag[ufrag] == nil else { throw .ufragInUse(ufrag) }
        if let taken = conflict(remoteCandidates: remoteCandidates) { throw .remoteAddressInUse(taken) }
        remove(id)
        members[id] = Member(ufrag: ufrag, key: Array(password.utf8), candidates: remoteCandidates)
        byUfrag[ufrag] = id
        for c in remoteCandidates { claimed[c] = id }
    }

    /// Forgets a session, its addresses and its candidates.
    public mutating func remove(_ id: ID) {
        guard let member = members.removeValue(forKey: id) else { return }
        byUfrag[member.ufrag] = nil
        for a in member.addresses where byAddress[a] == id { byAddress[a] = nil }
        for c in member.candidates where claimed[c] == id { claimed[c] = nil }
    }

    /// ICE validated `address` for `id`: from now on everything from it goes to that session.
    /// Returns false (and changes nothing) when another member holds the address.
    @discardableResult
    public mutating func validated(_ address: TransportAddress, by id: ID) -> Bool {
        guard members[id] != nil else { return false }
        if let holder = byAddress[address] { return holder == id }
        if let holder = claimed[address], holder != id { return false }
        byAddress[address] = id
        members[id]?.addresses.append(address)
        return true
    }

    /// The session an already validated address belongs to: the fast path, no bytes read.
    public func session(at source: TransportAddress) -> ID? {
        byAddress[source]
    }

    /// The fast path of `route` without the bytes: the session of a validated address, counted as
    /// routed by address. Nil: the datagram needs `route(_:from:now:)`.
    public mutating func routeValidated(from source: TransportAddress) -> ID? {
        guard let id = byAddress[source] else { return nil }
        counters.byAddress += 1
        return id
    }

    /// Routes one datagram from `source`.
    public mutating func route(_ bytes: [UInt8], from source: TransportAddress, now: Instant) -> Route {
        if let id = byAddress[source] {
            counters.byAddress += 1
            return .session(id, .address)
        }
        let route = routeUnknown(bytes, from: source, now: now)
        switch route {
        case let .drop(reason):
            counters.dropped += 1
            counters.lastDrop = reason
        case .session(_, .check): counters.byCheck += 1
        case .session(_, .response): counters.byResponse += 1
        case .session(_, .address): counters.byAddress += 1
        }
        return route
    }

    private mutating func routeUnknown(_ bytes: [UInt8], from source: TransportAddress, now: Instant) -> Route {
        let kind = PacketClass.classify(bytes)
        guard kind == .stun else { return .drop(.unknownAddress(kind)) }
        guard let message = try? STUNMessage.decode(bytes) else { return .drop(.malformedSTUN) }
        guard message.method == STUNMethod.binding else { return .drop(.unexpectedSTUN) }
        if message.fingerprint != nil {
            guard (try? message.verifyFingerprint()) != nil else { return .drop(.malformedSTUN) }
        }
        switch message.messageClass {
        case .request:
            guard let username = message.username else { return .drop(.noUsername) }
            let ufrag = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first
                .map(String.init) ?? ""
            guard let id = byUfrag[ufrag], let member = members[id] else { return .drop(.unknownUfrag) }
            guard (try? message.verifyIntegrity(key: member.key)) != nil else { return .drop(.integrityMismatch) }
            return .session(id, .check)
        case .successResponse, .errorResponse:
            guard let p = pending[message.transactionID], p.expires > now, p.destination == source,
                  members[p.id] != nil else { return .drop(.unknownTransaction) }
            pending[message.transactionID] = nil
            return .session(p.id, .response)
        case .indication:
            return .drop(.unexpectedSTUN)
        }
    }

    /// A member sends `bytes` to `destination`: a Binding request to an address not yet validated for it
    /// is remembered, so its response finds the way back. Anything else costs two byte compares.
    public mutating func sent(_ bytes: [UInt8], to destination: TransportAddress, by id: ID, now: Instant) {
        guard bytes.count >= STUNMessage.headerLength, bytes[0] == 0x00, bytes[1] == 0x01,
              byAddress[destination] != id else { return }
        if pending.count >= maxPendingTransactions {
            pending = pending.filter { $0.value.expires > now }
            guard pending.count < maxPendingTransactions else {
                counters.transactionsNotRecorded += 1
                return
            }
        }
        pending[Array(bytes[8..<20])] = Pending(id: id, destination: destination, expires: now + transactionLifetime)
    }

    /// Remembered checks awaiting a response (for tests and metrics).
    public var pendingTransactions: Int { pending.count }
}
