import Wire

/// Which side nominates (RFC 8445 section 6.1.1). Against an ice-lite peer (WhatsApp) we are controlling.
public enum ICERole: Sendable, Equatable, CustomStringConvertible {
    case controlling
    case controlled

    public var description: String { self == .controlling ? "controlling" : "controlled" }
    var opposite: ICERole { self == .controlling ? .controlled : .controlling }
}

/// The agent's overall state.
public enum ICEState: Sendable, Equatable {
    /// Checks are running (or waiting for remote candidates).
    case checking
    /// A pair is selected; consent freshness runs on it.
    case connected
    /// Every pair failed; see the `failed` event's reason. Terminal.
    case failed
    /// Consent was lost on the selected pair. Terminal.
    case disconnected
}

/// What the agent tells its owner; drain with `pollEvent()`.
public enum ICEEvent: Sendable, Equatable {
    /// The role changed because of a role conflict (RFC 8445 sections 7.2.5.1 and 7.3.1.1).
    case roleChanged(ICERole)
    /// A pair was selected: send media to this remote address.
    case connected(TransportAddress)
    /// Connected, the selected pair moved to a new remote address the peer checked from and we validated
    /// (the peer's address changed): send media there from now on.
    case selectedPairChanged(from: TransportAddress, to: TransportAddress)
    /// ICE failed; `reason.description` is the sentence to log.
    case failed(reason: ICEError)
    /// Consent freshness (RFC 7675) was lost after being connected.
    case disconnected(reason: ICEError)
}

/// A datagram to send from the media socket.
public struct ICETransmit: Sendable, Equatable {
    public var bytes: [UInt8]
    public var destination: TransportAddress
    /// The local address of the pair (informational: there is one socket).
    public var source: TransportAddress

    public init(bytes: [UInt8], destination: TransportAddress, source: TransportAddress) {
        self.bytes = bytes
        self.destination = destination
        self.source = source
    }
}

/// An ice-ufrag / ice-pwd pair as written in SDP.
public struct ICECredentials: Sendable, Equatable {
    public var ufrag: String
    public var password: String

    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }
}

/// Timings. The defaults are those documented on each field.
public struct ICEConfig: Sendable, Equatable {
    /// Ta: minimum spacing between new (ordinary or triggered) checks. Default 50 ms (RFC 8445 section 14.2).
    public var pacing: Duration = .milliseconds(50)
    /// First retransmission timeout of a check. Default 250 ms; doubles after each send.
    public var initialRTO: Duration = .milliseconds(250)
    /// Cap on the doubling retransmission timeout. Default 1.6 s, so a check that is never answered
    /// fails after 250+500+1000+1600+1600+1600+1600 ms ≈ 8.2 s.
    public var maxRTO: Duration = .milliseconds(1600)
    /// Sends per check transaction, the first included. Default 7 (RFC 8489's Rc).
    public var maxTransmissions: Int = 7
    /// Consent checks on the selected pair are sent every uniformly random interval in
    /// [consentIntervalMin, consentIntervalMax]. Defaults 4 s and 6 s (RFC 7675 section 5.1).
    public var consentIntervalMin: Duration = .seconds(4)
    public var consentIntervalMax: Duration = .seconds(6)
    /// Consent is lost this long after the last successful response. Default 30 s (RFC 7675).
    public var consentTimeout: Duration = .seconds(30)
    /// Connected, with another pair validated (the peer checked from a new address and our check there
    /// succeeded): move to it once a consent check on the selected pair has gone unanswered this long.
    /// Default 1 s.
    public var pathSwitchAfter: Duration = .seconds(1)
    /// SOFTWARE attribute for our messages; nil (default) omits it.
    public var software: String? = nil

    public init() {}
}

/// The default random source: OpenSSL's generator (transaction ids must be unpredictable).
public struct SecureRandomGenerator: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 {
        SecureRandomBytes.uint64()
    }
}
