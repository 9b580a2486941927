import STUN
import Wire

extension ICEAgent {
    /// Feeds one received STUN datagram. Throws when the packet was dropped (or a peer check was answered
    /// with an error); the agent stays consistent either way, so log the error at trace/debug and go on.
    /// Drain `pollTransmit()`/`pollEvent()` afterwards in both cases.
    public mutating func handleReceive(_ bytes: [UInt8], from source: TransportAddress, now: Instant) throws(ICEError) {
        defer {
            runChecks(now: now)
            evaluateFailure()
        }
        let message: STUNMessage
        do { message = try STUNMessage.decode(bytes) } catch { throw .malformed(from: source, error) }
        guard message.method == STUNMethod.binding else {
            throw .unsupportedMethod(from: source, method: message.method)
        }
        if message.fingerprint != nil {
            do { try message.verifyFingerprint() } catch { throw .badFingerprint(from: source, error) }
        }
        switch message.messageClass {
        case .request: try handleRequest(message, from: source, now: now)
        case .successResponse, .errorResponse: try handleResponse(message, from: source, now: now)
        case .indication: return  // Binding indications are keepalives.
        }
    }

    // MARK: The peer's checks

    mutating func handleRequest(_ request: STUNMessage, from source: TransportAddress, now: Instant) throws(ICEError) {
        guard let username = request.username else {
            try reject(request, from: source, .badRequest, "no USERNAME attribute")
        }
        guard request.messageIntegrity != nil else {
            try reject(request, from: source, .badRequest, "no MESSAGE-INTEGRITY attribute")
        }
        let ours = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        guard ours == local.ufrag else {
            try reject(request, from: source, .unauthorized,
                       "USERNAME \"\(username)\" does not start with our ice-ufrag \"\(local.ufrag):\"")
        }
        do { try request.verifyIntegrity(key: Array(local.password.utf8)) } catch {
            try reject(request, from: source, .unauthorized, "MESSAGE-INTEGRITY does not match our ice-pwd")
        }
        // Unknown comprehension-required attributes (0x0000–0x7FFF): 420 (RFC 8489 section 6.3.1).
        let unknown = request.attributes.compactMap { attribute -> UInt16? in
            if case let .unknown(type, _) = attribute, type < 0x8000 { return type }
            return nil
        }
        if !unknown.isEmpty {
            let list = unknown.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            respond(to: request, from: source, error: .unknownAttribute,
                    extra: [.unknown(type: STUNAttributeType.unknownAttributes, value: list)])
            throw .requestRejected(from: source, code: 420, detail: "unknown comprehension-required attribute"
                + (unknown.count == 1 ? " " : "s ") + unknown.map { "0x" + String($0, radix: 16) }.joined(separator: ", "))
        }
        guard let priority = request.priority else {
            try reject(request, from: source, .badRequest, "no PRIORITY attribute")
        }
        // Role conflict (RFC 8445 section 7.3.1.1).
        if role == .controlling, let theirs = request.iceControlling {
            if tieBreaker >= theirs {
                respond(to: request, from: source, error: .roleConflict)
                throw .requestRejected(from: source, code: 487,
                                       detail: "both controlling and our tie-breaker is larger: Role Conflict")
            }
            switchRole(to: .controlled)
        } else if role == .controlled, let theirs = request.iceControlled {
            if tieBreaker >= theirs {
                switchRole(to: .controlling)
            } else {
                respond(to: request, from: source, error: .roleConflict)
                throw .requestRejected(from: source, code: 487,
                                       detail: "both controlled and our tie-breaker is smaller: Role Conflict")
            }
        }
        respond(to: request, from: source, error: nil)

        if state == .connected, source != selectedRemote {
            // The peer moved (a NAT rebinding, Wi-Fi to LTE) or checks another path: validate it ourselves.
            peerCheckedAnotherPath(from: source, priority: priority, useCandidate: request.useCandidate, now: now)
        }
        guard state == .checking else { return }
        var pairID = pairs.first(where: { $0.remote == source })?.id
        if pairID == nil {
            // Peer-reflexive remote candidate (RFC 8445 section 7.3.1.3).
            pairID = addPair(remote: source, priority: priority, foundation: "prflx")
        }
        guard let id = pairID, let index = pairIndex(id) else { return }
        if request.useCandidate, role == .controlled {
            pairs[index].nominatedByPeer = true
        }
        switch pairs[index].state {
        case .succeeded:
            if pairs[index].nominatedByPeer, role == .controlled { select(pairID: id, now: now) }
        case .waiting, .failed:
            // Triggered check (RFC 8445 section 7.3.1.4).
            pairs[index].state = .waiting
            if !triggered.contains(where: { $0.pairID == id }) { triggered.append((id, false)) }
        case .inProgress:
            break
        }
    }

    private mutating func reject(_ request: STUNMessage, from source: TransportAddress, _ code: STUNErrorCode,
                                 _ detail: String) throws(ICEError) -> Never {
        respond(to: request, from: source, error: code)
        throw .requestRejected(from: source, code: code.code, detail: detail)
    }

    /// Success (XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY with our pwd, FINGERPRINT) or an error response.
    /// 400 and 401 carry no MESSAGE-INTEGRITY (RFC 8489 section 9.1.3); 420 and 487 do.
    mutating func respond(to request: STUNMessage, from source: TransportAddress, error: STUNErrorCode?,
                          extra: [STUNAttribute] = []) {
        var attributes: [STUNAttribute] = []
        if let software = config.software { attributes.append(.software(software)) }
        let messageClass: STUNMessageClass
        if let error {
            messageClass = .errorResponse
            attributes.append(.errorCode(error))
            attributes += extra
        } else {
            messageClass = .successResponse
            attributes.append(.xorMappedAddress(source))
        }
        let authenticated = error == nil || error?.code == 487 || error?.code == 420
        let response = STUNMessage(messageClass, transactionID: request.transactionID, attributes: attributes)
        guard let bytes = try? response.encode(integrityKey: authenticated ? Array(local.password.utf8) : nil,
                                               fingerprint: true) else { return }
        let localAddress = localAddresses.first { $0.ip.isIPv6 == source.ip.isIPv6 } ?? localAddresses[0]
        transmits.append(ICETransmit(bytes: bytes, destination: source, source: localAddress))
    }

    // MARK: Responses to our checks

    mutating func handleResponse(_ response: STUNMessage, from source: TransportAddress, now: Instant) throws(ICEError) {
        guard let tx = transactions[response.transactionID] else { throw .unknownTransaction(from: source) }
        guard source == tx.remote else {
            let previous = diagnostics[tx.remote]?.asymmetric?.count ?? 0
            diagnostics[tx.remote, default: RemoteDiagnostics()].asymmetric = (previous + 1, source)
            throw .responseFromUnexpectedAddress(sentTo: tx.remote, cameFrom: source)
        }
        if response.messageClass == .successResponse || response.messageIntegrity != nil {
            do { try response.verifyIntegrity(key: Array(remoteCredentials.password.utf8)) } catch {
                diagnostics[source, default: RemoteDiagnostics()].integrityFailures += 1
                throw .responseFailedIntegrity(from: source, error)
            }
        }
        transactions[response.transactionID] = nil
        guard let index = pairIndex(tx.pairID) else { return }

        if tx.kind == .consent {
            if response.messageClass == .successResponse, tx.pairID == selectedPairID { lastConsent = now }
            return
        }
        if state == .connected {
            probeAnswered(pairIndex: index, success: response.messageClass == .successResponse, now: now)
            return
        }
        guard state == .checking else { return }
        if response.messageClass == .errorResponse {
            let code = response.errorCode ?? STUNErrorCode(code: 400, reason: "error response without ERROR-CODE")
            if code.code == 487 {
                // RFC 8445 section 7.2.5.1: switch role (unless already switched) and redo the check.
                if role == tx.sentAsRole { switchRole(to: tx.sentAsRole.opposite) }
                pairs[index].state = .waiting
                triggered.append((tx.pairID, false))
            } else {
                pairs[index].state = .failed
                diagnostics[source, default: RemoteDiagnostics()].lastError = code
                if nominatingPairID == tx.pairID { nominatingPairID = nil }
                nominateNextIfNeeded()
            }
            return
        }
        pairs[index].state = .succeeded
        switch role {
        case .controlling:
            if tx.kind == .check(nominating: true) {
                select(pairID: tx.pairID, now: now)
            } else {
                nominateNextIfNeeded()
            }
        case .controlled:
            if pairs[index].nominatedByPeer { select(pairID: tx.pairID, now: now) }
        }
    }
}
