import Wire

/// Following the peer to a new address once connected (RFC 7675 consent on the new pair).
///
/// WhatsApp documents no ICE restart (no re-offer webhook; SIP mode refuses re-INVITEs) and, being ice-lite,
/// sends no checks of its own, so against it the selected pair never moves. A full-agent peer whose address
/// changes mid-call (a NAT rebinding, Wi-Fi to LTE with the same socket) keeps sending its consent checks,
/// now from the new address. Such a check is authenticated with our ice-pwd; we answer it and check the new
/// pair ourselves (authenticated with the peer's ice-pwd). Only when that check succeeds is the new path
/// validated, and the selected pair moves to it:
/// - at once when the peer nominated it (USE-CANDIDATE while we are controlled);
/// - otherwise as soon as the old pair stops answering: a consent check there unanswered for
///   `ICEConfig.pathSwitchAfter` (one is sent the moment the new path shows up). A peer merely checking a
///   second, working path therefore never moves us.
extension ICEAgent {
    /// The selected pair's address when a new one was validated but the switch waits on the old pair.
    public var standbyRemote: TransportAddress? {
        standbyPairID.flatMap { pairIndex($0) }.map { pairs[$0].remote }
    }

    /// Connected; the peer's authenticated check came from `source`, which is not the selected remote.
    mutating func peerCheckedAnotherPath(from source: TransportAddress, priority: UInt32, useCandidate: Bool,
                                         now: Instant) {
        guard let selectedID = selectedPairID else { return }
        var found = pairs.first(where: { $0.remote == source })?.id
        if found == nil { found = addPair(remote: source, priority: priority, foundation: "prflx") }
        guard let id = found, id != selectedID, let index = pairIndex(id) else { return }
        if useCandidate, role == .controlled { pairs[index].nominatedByPeer = true }
        if pairs[index].state == .succeeded {
            validated(pairIndex: index, now: now)
            return
        }
        guard !transactions.values.contains(where: { $0.pairID == id && $0.kind != .consent }) else { return }
        sendCheck(pairID: id, kind: .check(nominating: false), now: now)
        // Is the old path still alive? Ask now rather than at the next consent slot.
        if !transactions.values.contains(where: { $0.pairID == selectedID && $0.kind == .consent }) {
            sendCheck(pairID: selectedID, kind: .consent, now: now)
            scheduleConsent(now: now)
        }
    }

    /// Connected; the response to our check on a pair other than the selected one (or its error).
    mutating func probeAnswered(pairIndex index: Int, success: Bool, now: Instant) {
        guard pairs[index].id != selectedPairID else { return }
        guard success else {
            pairs[index].state = .failed
            if standbyPairID == pairs[index].id { standbyPairID = nil }
            return
        }
        pairs[index].state = .succeeded
        validated(pairIndex: index, now: now)
    }

    private mutating func validated(pairIndex index: Int, now: Instant) {
        if pairs[index].nominatedByPeer, role == .controlled {
            switchSelected(to: index, now: now)
        } else {
            standbyPairID = pairs[index].id
            failOverIfDue(now: now)
        }
    }

    /// When the standby pair takes over if the selected pair keeps silent: `pathSwitchAfter` after the
    /// oldest consent check on the selected pair still unanswered. Nil without a standby or such a check.
    func failoverDue() -> Instant? {
        guard standbyPairID != nil, let selected = selectedPairID else { return nil }
        let unanswered = transactions.values.filter { $0.pairID == selected && $0.kind == .consent }.map(\.sentAt)
        return unanswered.min().map { $0 + config.pathSwitchAfter }
    }

    mutating func failOverIfDue(now: Instant) {
        guard let due = failoverDue(), now >= due, let id = standbyPairID, let index = pairIndex(id) else { return }
        switchSelected(to: index, now: now)
    }

    private mutating func switchSelected(to index: Int, now: Instant) {
        guard state == .connected, let old = selectedRemote else { return }
        let oldID = selectedPairID
        selectedPairID = pairs[index].id
        selectedRemote = pairs[index].remote
        standbyPairID = nil
        // Consent now runs on the new pair, from now.
        transactions = transactions.filter { $0.value.pairID != oldID }
        lastConsent = now
        scheduleConsent(now: now)
        events.append(.selectedPairChanged(from: old, to: pairs[index].remote))
    }
}
