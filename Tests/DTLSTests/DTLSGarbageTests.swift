import DTLS
import Testing
import Wire

@Suite("Garbage input and closing")
struct DTLSGarbageTests {
    /// A deterministic generator so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("datagrams that are not DTLS records are discarded with the reason, and the handshake still completes")
    func malformedDatagramsAreDiscarded() throws {
        let pair = try DTLSPair()
        pair.server.start(now: pair.now)
        pair.server.handleDatagram([], now: pair.now)
        #expect(pair.server.lastDiscardReason == .emptyDatagram)
        pair.server.handleDatagram([0x16, 0xFE, 0xFD], now: pair.now)
        #expect(pair.server.lastDiscardReason == .truncatedRecordHeader(offset: 0, available: 3))
        pair.server.handleDatagram([0x00, 0x01] + [UInt8](repeating: 0, count: 18), now: pair.now)
        #expect(pair.server.lastDiscardReason == .unexpectedContentType(offset: 0, contentType: 0))
        pair.server.handleDatagram([0x16, 0x03, 0x03] + [UInt8](repeating: 0, count: 10), now: pair.now)
        #expect(pair.server.lastDiscardReason == .unexpectedVersion(offset: 0, version: 0x0303))
        #expect(pair.server.discardedDatagrams == 4)
        #expect(pair.server.pollTransmit() == nil)
        #expect(pair.server.pollEvent() == nil)
        pair.start()
        #expect(pair.bothConnected)
    }

    @Test("well-framed records with random contents never crash either side, before or after the handshake")
    func randomRecords() throws {
        var rng = SplitMix(state: 42)
        for phase in 0..<2 {
            let pair = try DTLSPair()
            if phase == 1 { pair.start() } else { pair.server.start(now: pair.now); pair.client.start(now: pair.now) }
            for _ in 0..<300 {
                let length = Int.random(in: 0...200, using: &rng)
                let contentType = UInt8.random(in: 20...25, using: &rng)
                let epoch = UInt8.random(in: 0...1, using: &rng)
                var record: [UInt8] = [contentType, 0xFE, 0xFD, 0, epoch]
                record += (0..<6).map { _ in UInt8.random(in: 0...255, using: &rng) }
                record += [UInt8(length >> 8), UInt8(length & 0xFF)]
                record += (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                pair.client.handleDatagram(record, now: pair.now)
                pair.server.handleDatagram(record, now: pair.now)
            }
            pair.collectEvents()
            for event in pair.clientEvents + pair.serverEvents {
                if case let .failed(reason) = event { #expect(!reason.isEmpty) }
            }
            if phase == 1 {
                // Records that fail authentication after the handshake are dropped (RFC 6347 §4.1.2.7).
                #expect(pair.bothConnected)
            }
        }
    }

    @Test("a well-framed handshake record of garbage fails the handshake with OpenSSL's reason")
    func garbageHandshakeRecord() throws {
        let pair = try DTLSPair()
        pair.server.start(now: pair.now)
        // A ClientHello header announcing 4 bytes whose fragment length disagrees with the record.
        let body: [UInt8] = [1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF]
        let record: [UInt8] = [22, 0xFE, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(body.count)] + body
        pair.server.handleDatagram(record, now: pair.now)
        pair.collectEvents()
        #expect(pair.server.state == .failed)
        #expect(pair.serverEvents == [.failed(reason: "error:0A00009F:SSL routines::length mismatch")])
    }

    @Test("close() sends close_notify and the peer reports .closed")
    func closeNotify() throws {
        let pair = try DTLSPair()
        pair.start()
        #expect(pair.bothConnected)
        pair.client.close()
        #expect(pair.client.state == .closed)
        #expect(pair.client.nextDeadline() == nil)
        let alert = try #require(pair.client.pollTransmit())
        #expect(alert.first == 21)
        #expect(pair.client.pollTransmit() == nil)
        pair.server.handleDatagram(alert, now: pair.now)
        pair.collectEvents()
        #expect(pair.server.state == .closed)
        #expect(pair.serverEvents.last == .closed)
        // The peer already closed: nothing more to send, and further input is ignored.
        pair.server.close()
        #expect(pair.server.pollTransmit() == nil)
        pair.server.handleDatagram(alert, now: pair.now)
        #expect(pair.server.pollEvent() == nil)
        // Closing never reports .closed locally.
        #expect(pair.clientEvents.filter { $0 == .closed }.isEmpty)
    }

    @Test("close() before the handshake finishes sends nothing")
    func closeDuringHandshake() throws {
        let pair = try DTLSPair()
        pair.client.start(now: pair.now)
        _ = pair.client.pollTransmit()
        pair.client.close()
        #expect(pair.client.state == .closed)
        #expect(pair.client.pollTransmit() == nil)
        #expect(pair.client.nextDeadline() == nil)
        pair.client.handleTimeout(now: pair.now + .seconds(5))
        #expect(pair.client.pollTransmit() == nil)
    }

    @Test("a failed endpoint ignores further datagrams and timeouts")
    func failedIsTerminal() throws {
        let pair = try DTLSPair(clientExpects: [UInt8](repeating: 1, count: 32))
        pair.start()
        #expect(pair.client.state == .failed)
        #expect(pair.client.nextDeadline() == nil)
        pair.client.handleDatagram(pair.sentByServer[0], now: pair.now)
        pair.client.handleTimeout(now: pair.now + .seconds(10))
        #expect(pair.client.pollTransmit() == nil)
        #expect(pair.client.pollEvent() == nil)
    }
}
