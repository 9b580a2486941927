@testable import DTLS
import Testing
import Wire

/// Retransmission is driven by `handleTimeout(now:)`, but OpenSSL 3.0 checks expiry against its own
/// real-time clock, so these tests configure a short timer (100 ms) and let real time pass between
/// steps. They never assert how long anything took.
@Suite("DTLS retransmission", .serialized)
struct DTLSRetransmitTests {
    final class Flag: @unchecked Sendable { var on = true }

    static let timer = Duration.milliseconds(100)

    /// Sleeps a little longer than the timer, fires both sides' timers, until both are connected.
    static func runUntilConnected(_ pair: DTLSPair) async throws {
        for _ in 0..<30 where !pair.bothConnected {
            if pair.client.state == .failed || pair.server.state == .failed { return }
            try await Task.sleep(for: .milliseconds(130))
            pair.fireTimers(step: .milliseconds(130))
        }
    }

    @Test("a dropped ClientHello is sent again when the timer fires")
    func droppedClientHello() async throws {
        let pair = try DTLSPair(retransmit: Self.timer)
        pair.drop = { role, index, _ in role == .client && index == 0 }
        pair.start()
        #expect(pair.client.state == .handshaking)
        #expect(pair.server.state == .handshaking)
        #expect(pair.sentByServer.isEmpty)
        #expect(pair.client.nextDeadline() != nil)
        try await Self.runUntilConnected(pair)
        #expect(pair.bothConnected)
        let hellos = pair.sentByClient.filter { DTLSPair.handshakeTypes($0).contains(1) }
        #expect(hellos.count >= 2)
        #expect(pair.clientKeys?.localKey == pair.serverKeys?.remoteKey)
    }

    @Test("a dropped server flight (ServerHello … ServerHelloDone) is recovered")
    func droppedServerFlight() async throws {
        let pair = try DTLSPair(retransmit: Self.timer)
        let dropping = Flag()
        pair.drop = { role, _, _ in role == .server && dropping.on }
        pair.start()
        #expect(!pair.sentByServer.isEmpty)
        #expect(pair.client.state == .handshaking)
        dropping.on = false
        try await Self.runUntilConnected(pair)
        #expect(pair.bothConnected)
        let serverHellos = pair.sentByServer.filter { DTLSPair.handshakeTypes($0).contains(2) }
        #expect(serverHellos.count >= 2)
    }

    @Test("a dropped final flight (server ChangeCipherSpec + Finished) is recovered after the server connected")
    func droppedFinalFlight() async throws {
        let pair = try DTLSPair(retransmit: Self.timer)
        let dropping = Flag()
        pair.drop = { role, _, datagram in
            guard role == .server, dropping.on else { return false }
            let records = (try? DTLSRecord.split(datagram)) ?? []
            guard records.contains(where: { $0[0] == 20 }) else { return false }
            dropping.on = false
            return true
        }
        pair.start()
        #expect(!dropping.on)
        #expect(pair.server.state == .connected)
        #expect(!pair.server.holdsRecordBuffers)
        #expect(pair.client.state == .handshaking)
        try await Self.runUntilConnected(pair)
        #expect(pair.bothConnected)
        #expect(pair.clientKeys?.localKey == pair.serverKeys?.remoteKey)
        #expect(pair.serverEvents.count == 1)
        // The connected server took its record buffers back to answer the client's retransmission.
        #expect(!pair.server.holdsRecordBuffers && !pair.client.holdsRecordBuffers)
    }

    @Test("a manual clock ahead of real time reaches the deadline early: nothing is resent yet")
    func manualClockAheadOfOpenSSL() throws {
        let pair = try DTLSPair(retransmit: .seconds(60))
        pair.drop = { role, index, _ in role == .client && index == 0 }
        pair.start()
        let deadline = try #require(pair.client.nextDeadline())
        pair.client.handleTimeout(now: deadline)
        #expect(pair.client.pollTransmit() == nil)
        let next = try #require(pair.client.nextDeadline())
        #expect(next > deadline)
        #expect(pair.client.state == .handshaking)
    }

    @Test("timeouts start at the configured value and double up to 60 s")
    func backoff() {
        let context = DTLSCallbackContext(remoteFingerprint: [], initialTimeoutMicroseconds: 100_000, profiles: [])
        #expect(context.nextTimeout(after: 0) == 100_000)
        #expect(context.nextTimeout(after: 100_000) == 200_000)
        #expect(context.nextTimeout(after: 40_000_000) == 60_000_000)
        #expect(context.nextTimeout(after: 60_000_000) == 60_000_000)
        #expect(context.nextTimeout(after: UInt32.max) == 60_000_000)
    }
}
