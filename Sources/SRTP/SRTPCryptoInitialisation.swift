/// How libsrtp2's cryptography was set up in this process. Debian builds libsrtp2 on NSS; left to
/// itself, libsrtp2 initialises NSS optimised for space, and then every packet's cost grows with the
/// number of live SRTP sessions (Benchmarks/README.md, "SRTP with many calls").
public enum SRTPCryptoInitialisation: String, Sendable, Equatable {
    /// We initialised NSS before libsrtp2, with the softoken's large hash tables.
    case nssForManySessions = "nss initialised for many sessions"
    /// NSS was already initialised by someone else, with whatever tables they chose.
    case nssAlreadyInitialised = "nss already initialised"
    /// NSS_Initialize failed; libsrtp2 initialises NSS itself (optimised for space).
    case nssFailed = "nss initialisation failed, libsrtp2's own"
}

extension SRTPSession {
    /// How SRTP's cryptography was initialised (runs the initialisation if no session exists yet).
    public static var cryptoInitialisation: SRTPCryptoInitialisation { LibSRTP.nssInitialisation }
}
