@testable import DTLS
import Testing
import Wire

@Suite("Garbage input and closing")
struct DTLSGarbageTests {
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
        var rng = SplitMix64(seed: 42)
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
                // Records that fail authentication after the handshake are dropped (RFC 6347 §4.1.2.7),
                // and the connection still works: a real close_notify gets through afterwards.
                #expect(pair.bothConnected)
                #expect(pair.client.discardedDatagrams > 0)
                #expect(pair.closeNotifyGetsThrough())
            }
        }
    }

    @Test("protected records shorter than the cipher's overhead are dropped before OpenSSL, and close_notify still gets through",
          arguments: [(UInt8(20), 16), (UInt8(21), 0), (UInt8(22), 16), (UInt8(23), 23)])
    func shortProtectedRecords(contentType: UInt8, length: Int) throws {
        let pair = try DTLSPair()
        pair.start()
        #expect(pair.bothConnected)
        let record: [UInt8] = [contentType, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, UInt8(length)]
            + [UInt8](repeating: 7, count: length)
        pair.server.handleDatagram(record, now: pair.now)
        // The default suites are AES-GCM: an 8-byte explicit nonce and a 16-byte tag.
        #expect(pair.server.lastDiscardReason == .protectedRecordTooShort(minimum: 24))
        #expect(pair.server.discardedDatagrams == 1)
        #expect(pair.closeNotifyGetsThrough())
    }

    @Test("after the handshake, a record with another version is dropped before OpenSSL (whose client would end the association), and close_notify still gets through",
          arguments: [UInt16(0xFEF3), 0xFEFF])
    func recordsWithAnotherVersionAfterTheHandshake(version: UInt16) throws {
        let pair = try DTLSPair()
        pair.start()
        #expect(pair.bothConnected)
        // The fuzz target's record (Fuzz/corpus/dtls/crash-wrong-version-after-handshake): application data at
        // epoch 1 with a 40-byte body. Handed to OpenSSL 3.0.19's client, it failed both sides.
        let body: [UInt8] = [0x07, 0x07, 0x07, 0x07, 0xF9, 0xF3, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0xEC, 0x02, 0x02, 0x16,
                             0xFE, 0x00, 0x07, 0x07, 0x07, 0x07, 0x07, 0xFE, 0xFD, 0x00, 0x01, 0x00, 0xFD, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x07]
        let record: [UInt8] = [23, UInt8(version >> 8), UInt8(version & 0xFF), 0, 1, 0, 0, 0, 0, 5, 0, 0, UInt8(body.count)] + body
        pair.client.handleDatagram(record, now: pair.now)
        pair.collectEvents()
        #expect(pair.client.lastDiscardReason == .versionNotNegotiated(version: version, negotiated: 0xFEFD))
        #expect(pair.client.discardedDatagrams == 1)
        #expect(pair.bothConnected)
        #expect(pair.client.pollTransmit() == nil)
        #expect(pair.closeNotifyGetsThrough())
    }

    @Test("the version filter keeps the negotiated records of a datagram and names the other version")
    func versionFilter() {
        let good: [UInt8] = [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
        let other: [UInt8] = [21, 0xFE, 0xFF, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0]
        let result = DTLSNegotiatedVersion.filter([good, other], negotiated: 0xFEFD)
        #expect(result.kept == [good])
        #expect(result.dropped == 0xFEFF)
        #expect(DTLSNegotiatedVersion.filter([good], negotiated: 0xFEFD).dropped == nil)
    }

    @Test("the protected-record floor follows the suite: GCM, CCM8, ChaCha20, CBC with SHA-1/256/384")
    func protectedRecordFloors() {
        #expect(DTLSProtectedRecordFloor.bytes(cipherName: "ECDHE-ECDSA-AES128-GCM-SHA256", isAEAD: true, digestSize: 0) == 24)
        #expect(DTLSProtectedRecordFloor.bytes(cipherName: "ECDHE-ECDSA-AES128-CCM8", isAEAD: true, digestSize: 0) == 16)
        #expect(DTLSProtectedRecordFloor.bytes(cipherName: "ECDHE-ECDSA-CHACHA20-POLY1305", isAEAD: true, digestSize: 0) == 16)
        #expect(DTLSProtectedRecordFloor.bytes(cipherName: "ECDHE-ECDSA-AES128-SHA", isAEAD: false, digestSize: 20) == 48)
        #expect(DTLSProtectedRecordFloor.bytes(cipherName: "ECDHE-ECDSA-AES128-SHA256", isAEAD: false, digestSize: 32) == 64)
        #expect(DTLSProtectedRecordFloor.bytes(cipherName: "ECDHE-ECDSA-AES256-SHA384", isAEAD: false, digestSize: 48) == 80)
        let plain: [UInt8] = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 2]
        let short: [UInt8] = [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2, 1, 2]
        #expect(DTLSProtectedRecordFloor.filter([plain, short], floor: 24) == [plain])
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
