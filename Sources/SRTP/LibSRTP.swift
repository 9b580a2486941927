import CNSS
import CSRTP

/// The only type that touches libsrtp2 pointers: one `srtp_t` session, created from a policy and
/// freed on deinit. Not thread-safe; its owner confines it to one isolation domain.
final class LibSRTP {
    /// `srtp_init` runs exactly once per process (Swift initialises static lets under a lock), after NSS
    /// is initialised for many sessions (`CNSS/shim.h`: otherwise libsrtp2 initialises it for space, and
    /// every packet's cost grows with the number of live sessions).
    private static let initStatus: UInt32 = {
        _ = nssInitialisation
        return srtp_init().rawValue
    }()

    static let nssInitialisation: SRTPCryptoInitialisation = {
        switch cnss_init_for_many_sessions() {
        case 1: return .nssForManySessions
        case 0: return .nssAlreadyInitialised
        default: return .nssFailed
        }
    }()

    /// Bytes `srtp_protect` / `srtp_protect_rtcp` may append.
    static let maxTrailerLength = Int(csrtp_max_trailer_len())

    private var session: srtp_t?

    /// `keyAndSalt` is the master key followed by the master salt.
    init(profile: SRTPProfile, keyAndSalt: [UInt8], outbound: Bool) throws {
        let initStatus = SRTPStatus(rawValue: Self.initStatus)
        guard initStatus == .ok else { throw SRTPError.sessionCreationFailed(function: "srtp_init", status: initStatus) }
        var policy = srtp_policy_t()
        switch profile {
        case .aes128CmSha1_80:
            csrtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtp)
            csrtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtcp)
        case .aeadAes128Gcm:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound
        policy.ssrc.value = 0
        policy.window_size = 0  // libsrtp's default replay window (128)
        policy.allow_repeat_tx = 0
        policy.next = nil
        var key = keyAndSalt
        var created: srtp_t?
        let status = key.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
            policy.key = buffer.baseAddress
            return srtp_create(&created, &policy)
        }
        // libsrtp copied the key; wipe our copy.
        for i in key.indices { key[i] = 0 }
        guard status == srtp_err_status_ok, let created else {
            throw SRTPError.sessionCreationFailed(function: "srtp_create", status: SRTPStatus(rawValue: status.rawValue))
        }
        session = created
    }

    deinit {
        if let session { srtp_dealloc(session) }
    }

    enum Operation { case protect, unprotect, protectRTCP, unprotectRTCP }

    /// Runs one libsrtp operation on a copy of `packet`; returns the output bytes or throws the named status.
    func run(_ operation: Operation, name: String, _ packet: [UInt8]) throws -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(packet.count + Self.maxTrailerLength)
        buffer.append(contentsOf: packet)
        try run(operation, name: name, inPlace: &buffer)
        return buffer
    }

    /// Runs one libsrtp operation in `packet`'s own storage: protecting appends the trailer (no new
    /// allocation when the capacity allows it), unprotecting shrinks it. A uniquely held array is not
    /// copied. On error the contents are unspecified (the caller drops the packet).
    func run(_ operation: Operation, name: String, inPlace packet: inout [UInt8]) throws {
        guard let original = Int32(exactly: packet.count) else {
            throw SRTPError.failed(operation: name, status: SRTPStatus(rawValue: srtp_err_status_bad_param.rawValue))
        }
        switch operation {
        case .protect, .protectRTCP:
            packet.reserveCapacity(packet.count + Self.maxTrailerLength)
            packet.append(contentsOf: repeatElement(0, count: Self.maxTrailerLength))
        case .unprotect, .unprotectRTCP:
            break
        }
        var length = original
        let session = self.session
        let status = packet.withUnsafeMutableBytes { raw -> srtp_err_status_t in
            switch operation {
            case .protect: return srtp_protect(session, raw.baseAddress, &length)
            case .unprotect: return srtp_unprotect(session, raw.baseAddress, &length)
            case .protectRTCP: return srtp_protect_rtcp(session, raw.baseAddress, &length)
            case .unprotectRTCP: return srtp_unprotect_rtcp(session, raw.baseAddress, &length)
            }
        }
        guard status == srtp_err_status_ok else {
            throw SRTPError.from(operation: name, status: SRTPStatus(rawValue: status.rawValue))
        }
        guard length >= 0, Int(length) <= packet.count else {
            throw SRTPError.failed(operation: name, status: SRTPStatus(rawValue: srtp_err_status_fail.rawValue))
        }
        packet.removeLast(packet.count - Int(length))
    }
}
