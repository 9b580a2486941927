import STUN
import Wire

/// A sans-IO full ICE agent (RFC 8445) for one component (rtcp-mux) on one local socket, with consent
/// freshness (RFC 7675). Feed it received STUN packets and timeouts with the current time; drain
/// `pollTransmit()` and `pollEvent()` after every call; wake it at `nextDeadline()`.
///
/// Behaviour in short:
/// - Controlling (always so against ice-lite): checks pairs in priority order, one new check per Ta; the first
///   pair whose check succeeds is nominated with a USE-CANDIDATE check (regular nomination); when that check
///   succeeds → `.connected(remote)`.
/// - Controlled: a pair is selected when the peer's check on it carried USE-CANDIDATE and our own check on it
///   (ordinary or triggered) succeeded, in either order.
/// - The peer's checks are answered for the whole call (also after `.failed`/`.disconnected`).
/// - Once connected, ordinary checks stop and consent checks run on the selected pair.
/// - Connected, an authenticated check from a new remote address (the peer moved: a NAT rebinding, Wi-Fi to
///   LTE) is answered and the new pair checked in turn; once that succeeds, the agent moves the selected pair
///   there (`.selectedPairChanged`) when the peer nominated it (USE-CANDIDATE, controlled role) or when a
///   consent check on the old pair has gone unanswered for `pathSwitchAfter`. See `ICEAgent+PathChange`.
///
/// Simplifications (one component, one socket): no Frozen state (all pairs start Waiting); a remote candidate
/// is paired with the first local address of its family only (other addresses of that family are aliases of
/// the same socket); consent checks are not retransmitted (a new one goes out every 4–6 s); there is no
/// overall connect timeout (with no remote candidates, or a controlled peer that never nominates, the agent
/// stays `.checking`: bound the wait in the caller).
public struct ICEAgent: Sendable {
    public private(set) var role: ICERole
    public private(set) var state: ICEState = .checking
    /// The remote address of the selected pair once connected.
    public internal(set) var selectedRemote: TransportAddress?
    public let tieBreaker: UInt64
    public let remoteIsLite: Bool

    let config: ICEConfig
    let local: ICECredentials
    let remoteCredentials: ICECredentials
    var random: any RandomNumberGenerator & Sendable

    var localAddresses: [TransportAddress] = []
    var remoteCandidates: [(address: TransportAddress, priority: UInt32, foundation: String)] = []
    var pairs: [CandidatePair] = []
    var nextPairID = 0
    var triggered: [(pairID: Int, nominate: Bool)] = []
    var transactions: [[UInt8]: CheckTransaction] = [:]
    var nextCheckAt: Instant
    var nominatingPairID: Int?
    var selectedPairID: Int?
    /// Connected: another pair the peer checked and we validated, ready to take over from the selected one.
    var standbyPairID: Int?
    var diagnostics: [TransportAddress: RemoteDiagnostics] = [:]
    var lastConsent: Instant
    var nextConsentCheck: Instant
    var transmits: [ICETransmit] = []
    var events: [ICEEvent] = []

    /// - Parameters:
    ///   - role: our initial role. Forced to `.controlling` when `remoteIsLite` (RFC 8445 section 6.1.1).
    ///   - local: our ice-ufrag/ice-pwd (answers to the peer's checks are keyed with our pwd).
    ///   - remote: the peer's ice-ufrag/ice-pwd (our checks are keyed with its pwd).
    ///   - remoteIsLite: the peer declared `a=ice-lite`; only we send checks.
    ///   - localAddress: the address our media socket sends from (the host candidate we advertise).
    ///   - tieBreaker: random 64-bit value for role conflicts.
    ///   - random: source for transaction ids and consent jitter (inject a seeded one in tests).
    public init(role: ICERole, local: ICECredentials, remote: ICECredentials, remoteIsLite: Bool,
                localAddress: TransportAddress, tieBreaker: UInt64, now: Instant, config: ICEConfig = ICEConfig(),
                random: some RandomNumberGenerator & Sendable = SecureRandomGenerator()) {
        self.role = remoteIsLite ? .controlling : role
        self.local = local
        self.remoteCredentials = remote
        self.remoteIsLite = remoteIsLite
        self.tieBreaker = tieBreaker
        self.config = config
        self.random = random
        self.localAddresses = [localAddress]
        self.nextCheckAt = now
        self.lastConsent = now
        self.nextConsentCheck = now
    }

    // MARK: Candidates

    /// Another address of the same socket (e.g. its IPv6 address). Remote candidates are paired with the
    /// first local address of their family; later addresses of an already-covered family are aliases.
    public mutating func addLocalAddress(_ address: TransportAddress) {
        guard !localAddresses.contains(address) else { return }
        localAddresses.append(address)
        for candidate in remoteCandidates where !pairs.contains(where: { $0.remote == candidate.address }) {
            addPair(remote: candidate.address, priority: candidate.priority, foundation: candidate.foundation)
        }
    }

    /// A remote candidate from the SDP (or trickled). Pairs are formed with our local address of the same
    /// family and kept sorted by pair priority. Duplicates are ignored.
    public mutating func addRemoteCandidate(address: TransportAddress, priority: UInt32, foundation: String) {
        guard !remoteCandidates.contains(where: { $0.address == address }) else { return }
        remoteCandidates.append((address, priority, foundation))
        if !pairs.contains(where: { $0.remote == address }) {
            addPair(remote: address, priority: priority, foundation: foundation)
        }
    }

    @discardableResult
    mutating func addPair(remote: TransportAddress, priority: UInt32, foundation: String) -> Int? {
        guard let index = localAddresses.firstIndex(where: { $0.ip.isIPv6 == remote.ip.isIPv6 }) else { return nil }
        let localPriority = CandidatePair.candidatePriority(
            typePreference: CandidatePair.hostTypePreference, localPreference: UInt32(65535 - min(index, 65535)))
        let pair = CandidatePair(id: nextPairID, local: localAddresses[index], localPriority: localPriority,
                                 remote: remote, remotePriority: priority, foundation: foundation)
        nextPairID += 1
        pairs.append(pair)
        sortPairs()
        return pair.id
    }

    mutating func sortPairs() {
        let role = self.role
        pairs.sort { a, b in
            let pa = a.priority(role: role), pb = b.priority(role: role)
            return pa != pb ? pa > pb : a.id < b.id
        }
    }

    /// `source` if a check on it succeeded or the peer nominated it with an authenticated check:
    /// an address DTLS may come from before our own `connected` (the peer can be a step ahead).
    public func validatedRemote(_ source: TransportAddress) -> TransportAddress? {
        pairs.contains { $0.remote == source && ($0.state == .succeeded || $0.nominatedByPeer) } ? source : nil
    }

    /// Remote addresses in check-list order (highest pair priority first), for logs and tests.
    public var checkList: [TransportAddress] { pairs.map(\.remote) }

    func pairIndex(_ id: Int) -> Int? { pairs.firstIndex { $0.id == id } }

    // MARK: Output

    public mutating func pollTransmit() -> ICETransmit? {
        transmits.isEmpty ? nil : transmits.removeFirst()
    }

    public mutating func pollEvent() -> ICEEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    /// When to call `handleTimeout(now:)` next; nil when nothing is scheduled.
    public func nextDeadline() -> Instant? {
        var earliest = EarliestDeadline()
        // By index: the value is read in place (a `for tx in` copy would retain its bytes).
        for i in transactions.values.indices { earliest.consider(transactions.values[i].deadline) }
        if state == .checking, !triggered.isEmpty || pairs.contains(where: { $0.state == .waiting }) {
            earliest.consider(nextCheckAt)
        }
        if state == .connected {
            earliest.consider(nextConsentCheck)
            earliest.consider(lastConsent + config.consentTimeout)
            earliest.consider(failoverDue())
        }
        return earliest.value
    }

    // MARK: Timers

    public mutating func handleTimeout(now: Instant) {
        for (id, var tx) in transactions where tx.deadline <= now {
            if tx.kind != .consent, tx.sends < config.maxTransmissions {
                tx.sends += 1
                tx.rto = min(tx.rto * 2, config.maxRTO)
                tx.deadline = now + tx.rto
                transactions[id] = tx
                transmits.append(ICETransmit(bytes: tx.bytes, destination: tx.remote, source: tx.local))
            } else {
                transactions[id] = nil
                if case let .check(nominating) = tx.kind { checkTimedOut(tx, nominating: nominating) }
            }
        }
        if state == .connected {
            if now >= lastConsent + config.consentTimeout, let remote = selectedRemote {
                state = .disconnected
                transactions = [:]
                events.append(.disconnected(reason: .consentLost(
                    remote: remote, seconds: Int(config.consentTimeout.components.seconds))))
                return
            }
            if now >= nextConsentCheck, let id = selectedPairID {
                sendCheck(pairID: id, kind: .consent, now: now)
                scheduleConsent(now: now)
            }
            failOverIfDue(now: now)
        }
        runChecks(now: now)
        evaluateFailure()
    }

    mutating func scheduleConsent(now: Instant) {
        let lo = config.consentIntervalMin.totalNanoseconds
        let hi = max(lo, config.consentIntervalMax.totalNanoseconds)
        let span = UInt64(hi - lo) + 1
        nextConsentCheck = now + .nanoseconds(lo + Int64(random.next() % span))
    }

    mutating func checkTimedOut(_ tx: CheckTransaction, nominating: Bool) {
        guard let index = pairIndex(tx.pairID) else { return }
        pairs[index].state = .failed
        if nominating, nominatingPairID == tx.pairID { nominatingPairID = nil }
        nominateNextIfNeeded()
        evaluateFailure()
    }

    /// Sends at most one new check per pacing interval: triggered checks first, then the highest-priority
    /// waiting pair.
    mutating func runChecks(now: Instant) {
        guard state == .checking, now >= nextCheckAt else { return }
        var next: (Int, Bool)?
        while next == nil, !triggered.isEmpty {
            let entry = triggered.removeFirst()
            if let index = pairIndex(entry.pairID), pairs[index].state != .failed || entry.nominate {
                next = (entry.pairID, entry.nominate)
            }
        }
        if next == nil, let pair = pairs.first(where: { $0.state == .waiting }) { next = (pair.id, false) }
        guard let (id, nominate) = next else { return }
        sendCheck(pairID: id, kind: .check(nominating: nominate), now: now)
        nextCheckAt = now + config.pacing
    }

    mutating func sendCheck(pairID: Int, kind: CheckTransaction.Kind, now: Instant) {
        guard let index = pairIndex(pairID) else { return }
        let pair = pairs[index]
        let prflxPriority = CandidatePair.candidatePriority(
            typePreference: CandidatePair.peerReflexiveTypePreference, localPreference: (pair.localPriority >> 8) & 0xFFFF)
        var attributes: [STUNAttribute] = [
            .username("\(remoteCredentials.ufrag):\(local.ufrag)"),
            .priority(prflxPriority),
            role == .controlling ? .iceControlling(tieBreaker: tieBreaker) : .iceControlled(tieBreaker: tieBreaker),
        ]
        if kind == .check(nominating: true) { attributes.append(.useCandidate) }
        if let software = config.software { attributes.insert(.software(software), at: 0) }
        let id = newTransactionID()
        let message = STUNMessage(.request, transactionID: id, attributes: attributes)
        guard let bytes = try? message.encode(integrityKey: Array(remoteCredentials.password.utf8), fingerprint: true)
        else {
            // Only an absurd ufrag (USERNAME over 513 bytes) gets here: the pair cannot be checked.
            if kind != .consent { pairs[index].state = .failed }
            return
        }
        if kind != .consent, pairs[index].state != .succeeded { pairs[index].state = .inProgress }
        let deadline = kind == .consent ? now + config.consentTimeout : now + config.initialRTO
        transactions[id] = CheckTransaction(pairID: pairID, local: pair.local, remote: pair.remote, bytes: bytes,
                                            kind: kind, sentAsRole: role, sentAt: now, rto: config.initialRTO,
                                            deadline: deadline)
        transmits.append(ICETransmit(bytes: bytes, destination: pair.remote, source: pair.local))
    }

    mutating func newTransactionID() -> [UInt8] {
        let a = random.next(), b = random.next()
        return (0..<8).map { UInt8(truncatingIfNeeded: a >> (8 * $0)) } + (0..<4).map { UInt8(truncatingIfNeeded: b >> (8 * $0)) }
    }

    // MARK: Nomination and selection

    /// Controlling: nominate the best succeeded pair when no nomination is under way.
    mutating func nominateNextIfNeeded() {
        guard role == .controlling, state == .checking, nominatingPairID == nil,
              let pair = pairs.first(where: { $0.state == .succeeded }) else { return }
        nominatingPairID = pair.id
        triggered.insert((pair.id, true), at: 0)
    }

    mutating func select(pairID: Int, now: Instant) {
        guard state == .checking, let index = pairIndex(pairID) else { return }
        state = .connected
        selectedPairID = pairID
        selectedRemote = pairs[index].remote
        nominatingPairID = nil
        triggered = []
        transactions = transactions.filter { $0.value.kind == .consent }
        lastConsent = now
        scheduleConsent(now: now)
        events.append(.connected(pairs[index].remote))
    }

    mutating func switchRole(to newRole: ICERole) {
        guard newRole != role else { return }
        role = newRole
        nominatingPairID = nil
        triggered.removeAll { $0.nominate }
        sortPairs()
        events.append(.roleChanged(newRole))
        if newRole == .controlling { nominateNextIfNeeded() }
    }

    // MARK: Failure

    mutating func evaluateFailure() {
        guard state == .checking, !pairs.isEmpty, pairs.allSatisfy({ $0.state == .failed }), triggered.isEmpty,
              !transactions.values.contains(where: { $0.kind != .consent }) else { return }
        state = .failed
        events.append(.failed(reason: failureReason()))
    }

    func failureReason() -> ICEError {
        if let worst = diagnostics.filter({ $0.value.integrityFailures > 0 })
            .max(by: { $0.value.integrityFailures < $1.value.integrityFailures }) {
            return .responsesFailedIntegrity(count: worst.value.integrityFailures, from: worst.key)
        }
        for pair in pairs {
            if let error = diagnostics[pair.remote]?.lastError {
                return .errorResponses(code: error, from: pair.remote)
            }
        }
        for pair in pairs {
            if let asymmetric = diagnostics[pair.remote]?.asymmetric {
                return .asymmetricResponses(count: asymmetric.count, sentTo: pair.remote, cameFrom: asymmetric.from)
            }
        }
        return .noResponse(candidates: Set(pairs.map(\.remote)).count, attempts: config.maxTransmissions)
    }
}
