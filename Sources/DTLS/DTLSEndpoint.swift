import COpenSSL
import SRTP
import Wire

/// One DTLS 1.2 association for DTLS-SRTP, sans-IO over two OpenSSL memory BIOs.
///
/// Feed it received datagrams and timeouts stamped with the caller's `now`; drain `pollTransmit()` and
/// `pollEvent()` after every call and wake it at `nextDeadline()`. It never reads a clock or touches a socket.
///
/// Timers: OpenSSL 3.0 decides whether a retransmission timer has expired by reading its own real-time
/// clock, and offers no way to expire it early. So the deadline this endpoint reports is OpenSSL's
/// remaining time added to the last `now` it was given, and `handleTimeout(now:)` retransmits only once
/// OpenSSL's clock agrees (OpenSSL counts the last 15 ms as expired). With the real monotonic clock — as
/// in production — the two agree; a test clock running faster than real time reaches the deadline
/// early, `handleTimeout` then does nothing and `nextDeadline()` reports the time still left. The timer
/// durations themselves are ours, through `DTLS_set_timer_cb`: `initialRetransmitTimeout`, doubling up to
/// 60 s (RFC 6347 §4.2.4.1). After a dozen timeouts of one flight (DTLS1_TMO_ALERT_COUNT) OpenSSL
/// gives up and the endpoint fails with its "read timeout expired". OpenSSL reads the wall clock: a step
/// of the system time can delay or hasten its retransmissions (a limitation of OpenSSL 3.0).
///
/// Not `Sendable`: one isolation domain (the call's actor) owns it.
public final class DTLSEndpoint {
    public let role: DTLSRole
    /// SHA-256 of the peer's certificate, from its SDP `a=fingerprint`.
    public let remoteFingerprint: [UInt8]
    /// Offered (client) or accepted (server) profiles, most preferred first.
    public let profiles: [SRTPProfile]
    /// The largest datagram `pollTransmit()` returns.
    public let mtu: Int
    public private(set) var state: DTLSState = .idle
    /// The keys, once `state` is `.connected`.
    public private(set) var keyingMaterial: SRTPKeyingMaterial?
    /// Datagrams ignored because they were not well-formed DTLS records, and why the last one was.
    public private(set) var discardedDatagrams = 0
    public private(set) var lastDiscardReason: DTLSError?

    public static let minimumMTU = 256
    public static let maximumMTU = 65_507
    public static let exporterLabel = "EXTRACTOR-dtls_srtp"

    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private let context: DTLSCallbackContext
    private var transmits: [[UInt8]] = []
    private var events: [DTLSEvent] = []
    private var lastNow: Instant?
    private var deadline: Instant?
    /// False while a connected association has given its record buffers back (see `withRecordBuffers`).
    private(set) var holdsRecordBuffers = true
    /// The shared context this association was made from (tests).
    var sslContext: OpaquePointer? { SSL_get_SSL_CTX(ssl) }

    /// - Parameters:
    ///   - remoteFingerprint: the 32-byte SHA-256 fingerprint from the peer's SDP.
    ///   - profiles: SRTP profiles in order of preference (the client's order decides).
    ///   - mtu: the largest datagram to send; OpenSSL fragments handshake messages to fit.
    ///   - initialRetransmitTimeout: the first retransmission timeout of each flight (50 ms...60 s).
    public init(role: DTLSRole, certificate: DTLSCertificate, remoteFingerprint: [UInt8],
                profiles: [SRTPProfile] = [.aeadAes128Gcm, .aes128CmSha1_80], mtu: Int = 1200,
                initialRetransmitTimeout: Duration = .seconds(1)) throws(DTLSError) {
        guard remoteFingerprint.count == 32 else { throw .invalidFingerprintLength(actual: remoteFingerprint.count) }
        guard !profiles.isEmpty else { throw .noProfiles }
        guard (Self.minimumMTU...Self.maximumMTU).contains(mtu) else {
            throw .mtuOutOfRange(mtu: mtu, minimum: Self.minimumMTU, maximum: Self.maximumMTU)
        }
        let timeoutMicroseconds = initialRetransmitTimeout.totalNanoseconds / 1000
        guard (50_000...60_000_000).contains(timeoutMicroseconds) else {
            throw .retransmitTimeoutOutOfRange(milliseconds: timeoutMicroseconds / 1000, minimum: 50, maximum: 60_000)
        }
        self.role = role
        self.remoteFingerprint = remoteFingerprint
        self.profiles = profiles
        self.mtu = mtu
        self.context = DTLSCallbackContext(remoteFingerprint: remoteFingerprint,
                                           initialTimeoutMicroseconds: UInt32(timeoutMicroseconds),
                                           profiles: profiles)
        let made = try DTLSSessionFactory.make(role: role, certificate: certificate, profiles: profiles, mtu: mtu)
        self.ssl = made.ssl
        self.readBIO = made.readBIO
        self.writeBIO = made.writeBIO
        DTLSCallbackContext.install(context, on: ssl)
    }

    deinit {
        SSL_free(ssl)
    }

    // MARK: Input

    /// Starts the handshake: the client queues its ClientHello; the server waits for one.
    public func start(now: Instant) {
        lastNow = now
        guard state == .idle else { return }
        state = .handshaking
        if role == .client { advanceHandshake() }
        flush()
    }

    /// Feeds one received datagram, as it came off the socket.
    public func handleDatagram(_ bytes: [UInt8], now: Instant) {
        lastNow = now
        guard state == .idle || state == .handshaking || state == .connected else { return }
        var bytes = bytes
        do {
            let records = try DTLSRecord.split(bytes)
            let floor = DTLSProtectedRecordFloor.bytes(for: ssl, connected: state == .connected)
            var kept = DTLSProtectedRecordFloor.filter(records, floor: floor)
            var reason: DTLSError? = kept.count != records.count ? .protectedRecordTooShort(minimum: floor) : nil
            if state == .connected {
                let negotiated = DTLSNegotiatedVersion.of(ssl)
                let checked = DTLSNegotiatedVersion.filter(kept, negotiated: negotiated)
                if let version = checked.dropped { reason = .versionNotNegotiated(version: version, negotiated: negotiated) }
                kept = checked.kept
            }
            if let reason {
                discardedDatagrams += 1
                lastDiscardReason = reason
                if kept.isEmpty { return }
                bytes = kept.flatMap { $0 }
            }
        } catch {
            discardedDatagrams += 1
            lastDiscardReason = error
            return
        }
        let written = bytes.withUnsafeBytes { BIO_write(readBIO, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) else {
            fail(OpenSSLErrorQueue.error("BIO_write").description)
            flush()
            return
        }
        if state == .idle { state = .handshaking }
        if state == .handshaking { advanceHandshake() }
        // Also right after the handshake finished: the datagram may carry records after the Finished.
        if state == .connected { withRecordBuffers { readRecords() } }
        flush()
    }

    /// Retransmits the current flight if its timer has run out.
    public func handleTimeout(now: Instant) {
        lastNow = now
        guard state == .handshaking || state == .connected else { return }
        if let deadline, now >= deadline {
            if state == .connected { withRecordBuffers(retransmit) } else { retransmit() }
        }
        flush()
    }

    /// Sends close_notify if connected (only when the call ends: aiortc closes its whole peer connection
    /// on it), then stops: state `.closed`, no deadline. A failed endpoint stays `.failed`.
    public func close() {
        guard state != .closed && state != .failed else { return }
        if state == .connected {
            withRecordBuffers {
                OpenSSLErrorQueue.clear()
                _ = SSL_shutdown(ssl)
                OpenSSLErrorQueue.clear()
            }
            drainWriteBIO()
        }
        state = .closed
        deadline = nil
    }

    // MARK: Output

    /// The next datagram to send, whole and at most `mtu` bytes.
    public func pollTransmit() -> [UInt8]? {
        transmits.isEmpty ? nil : transmits.removeFirst()
    }

    public func pollEvent() -> DTLSEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    /// When `handleTimeout(now:)` should next be called; nil when no timer runs.
    public func nextDeadline() -> Instant? {
        deadline
    }

    // MARK: Handshake

    private func retransmit() {
        OpenSSLErrorQueue.clear()
        if copenssl_dtls_handle_timeout(ssl) < 0 {
            fail(OpenSSLErrorQueue.drain() ?? "DTLS retransmission failed")
        }
    }

    private func advanceHandshake() {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            finishHandshake()
            if state == .connected { readRecords() }
            return
        }
        let code = SSL_get_error(ssl, result)
        if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE { return }
        let openSSLReason = OpenSSLErrorQueue.drain()
        if let rejection = context.rejection {
            fail(rejection.description)
        } else {
            fail(openSSLReason ?? "DTLS handshake failed (SSL_get_error \(code))")
        }
    }

    private func finishHandshake() {
        do {
            try verifyPeer()
            let material = try exportKeys()
            keyingMaterial = material
            state = .connected
            events.append(.connected(material))
        } catch {
            fail(error.description)
        }
    }

    /// Pins the peer's certificate to its SDP fingerprint (the verify callback already did; this is the
    /// final word, on the certificate OpenSSL actually kept).
    private func verifyPeer() throws(DTLSError) {
        guard let peer = SSL_get1_peer_certificate(ssl) else { throw .noPeerCertificate }
        defer { X509_free(peer) }
        let actual = DTLSFingerprint.sha256(ofDER: try DTLSCertificate.encode(peer))
        guard DTLSFingerprint.matches(actual, remoteFingerprint) else {
            throw .fingerprintMismatch(actual: actual, expected: remoteFingerprint)
        }
    }

    private func exportKeys() throws(DTLSError) -> SRTPKeyingMaterial {
        guard let selected = SSL_get_selected_srtp_profile(ssl) else { throw .noSelectedProfile(name: nil) }
        let name = selected.pointee.name.map { String(cString: $0) }
        guard let name, let profile = SRTPProfile(openSSLName: name), profiles.contains(profile) else {
            throw .noSelectedProfile(name: name)
        }
        var exported = [UInt8](repeating: 0, count: profile.keyingMaterialLength)
        let label = Array(Self.exporterLabel.utf8)
        let ok = exported.withUnsafeMutableBufferPointer { out in
            label.withUnsafeBufferPointer { l in
                l.withMemoryRebound(to: CChar.self) { l in
                    SSL_export_keying_material(ssl, out.baseAddress, out.count, l.baseAddress, l.count, nil, 0, 0)
                }
            }
        }
        guard ok == 1 else { throw OpenSSLErrorQueue.error("SSL_export_keying_material") }
        guard let material = try? SRTPKeyingMaterial(exported: exported, profile: profile, isClient: role == .client) else {
            throw .openSSL(operation: "SSL_export_keying_material", reason: "wrong output length")
        }
        return material
    }

    /// Processes records after the handshake: retransmitted handshake flights (OpenSSL answers them),
    /// application data (unused, dropped), close_notify and fatal alerts.
    private func readRecords() {
        var buffer = [UInt8](repeating: 0, count: 2048)
        while state == .connected {
            OpenSSLErrorQueue.clear()
            let result = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if result > 0 { continue }
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return
            case SSL_ERROR_ZERO_RETURN:
                state = .closed
                deadline = nil
                events.append(.closed)
            default:
                fail(OpenSSLErrorQueue.drain() ?? "DTLS read failed (SSL_get_error \(code))")
            }
        }
    }

    private func fail(_ reason: String) {
        guard state != .failed && state != .closed else { return }
        state = .failed
        deadline = nil
        events.append(.failed(reason: reason))
    }

    // MARK: Plumbing

    /// OpenSSL keeps a read and a write record buffer of about 16 KB each for an association's whole life.
    /// Once connected, a DTLS-SRTP association only reads the rare alert or retransmitted flight, so its
    /// buffers are freed between datagrams (half the memory of a connected association) and allocated
    /// again around each use. `SSL_free_buffers` refuses while a record is still pending.
    private func withRecordBuffers(_ body: () -> Void) {
        guard SSL_alloc_buffers(ssl) == 1 else {
            fail(OpenSSLErrorQueue.drain() ?? "SSL_alloc_buffers failed")
            return
        }
        holdsRecordBuffers = true
        body()
        releaseRecordBuffersIfConnected()
    }

    private func releaseRecordBuffersIfConnected() {
        if state == .connected, SSL_free_buffers(ssl) == 1 { holdsRecordBuffers = false }
    }

    /// Moves what OpenSSL wrote into datagrams and recomputes the deadline.
    private func flush() {
        drainWriteBIO()
        updateDeadline()
    }

    private func drainWriteBIO() {
        // Runs on every timer tick of a connected call: nothing written, nothing allocated.
        guard BIO_ctrl_pending(writeBIO) > 0 else { return }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { BIO_read(writeBIO, $0.baseAddress, Int32($0.count)) }
            if n <= 0 { break }
            pending.append(contentsOf: chunk[0..<Int(n)])
        }
        guard !pending.isEmpty else { return }
        if let records = try? DTLSRecord.split(pending) {
            transmits.append(contentsOf: DTLSRecord.pack(records, mtu: mtu))
        } else {
            transmits.append(pending)
        }
    }

    private func updateDeadline() {
        guard state == .handshaking || state == .connected, let now = lastNow else {
            deadline = nil
            return
        }
        var remaining = timeval()
        if copenssl_dtls_get_timeout(ssl, &remaining) == 1 {
            deadline = now + .seconds(Int64(remaining.tv_sec)) + .microseconds(Int64(remaining.tv_usec))
        } else {
            deadline = nil
        }
    }
}
