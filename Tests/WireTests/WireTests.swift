import Testing
import Wire
import IVRTesting

@Suite struct WireTests {
    @Test func writerAndReaderRoundTrip() throws {
        var w = ByteWriter()
        w.write(UInt8(0x80))
        w.write(UInt16(0x1234))
        w.write(UInt32(0xdeadbeef))
        w.write(UInt64(0x0102030405060708))
        w.write(bytes: [9, 10])
        #expect(w.bytes == [0x80, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        var r = ByteReader(w.bytes)
        #expect(try r.readUInt8() == 0x80)
        #expect(try r.readUInt16() == 0x1234)
        #expect(try r.readUInt32() == 0xdeadbeef)
        #expect(try r.readUInt64() == 0x0102030405060708)
        #expect(Array(try r.readBytes(2)) == [9, 10])
        #expect(r.isAtEnd)
    }

    @Test func truncationNamesFieldAndOffset() {
        var r = ByteReader([1, 2, 3])
        _ = try? r.readUInt16()
        #expect(throws: WireError.truncated(field: "length", offset: 2, needed: 4, available: 1)) {
            try r.readUInt32("length")
        }
        #expect(WireError.truncated(field: "length", offset: 2, needed: 4, available: 1).description
            == "truncated length at offset 2: needed 4 bytes, 1 available")
    }

    @Test func patchedLengthField() {
        var w = ByteWriter()
        w.write(UInt16(0))
        w.write(bytes: [1, 2, 3])
        w.set(UInt16(3), at: 0)
        #expect(w.bytes == [0, 3, 1, 2, 3])
    }

    @Test func sequenceComparisonWraps() {
        #expect(SequenceNumber.precedes(65535, 0))
        #expect(!SequenceNumber.precedes(0, 65535))
        #expect(SequenceNumber.distance(from: 65534, to: 2) == 4)
        #expect(SequenceNumber.distance(from: 2, to: 65534) == -4)
    }

    @Test func unwrapperCountsRollovers() {
        var u = SequenceUnwrapper()
        #expect(u.unwrap(65534) == 65534)
        #expect(u.unwrap(65535) == 65535)
        #expect(u.unwrap(0) == 65536)
        #expect(u.unwrap(65535) == 65535)  // late packet from before the wrap
        #expect(u.unwrap(1) == 65537)
    }

    @Test func manualClockAdvancesOnlyWhenTold() {
        let clock = ManualClock(start: Instant(nanoseconds: 0))
        #expect(clock.now() == Instant(nanoseconds: 0))
        clock.advance(by: .milliseconds(20))
        #expect(clock.now() == Instant(nanoseconds: 20_000_000))
        #expect(clock.now() - Instant(nanoseconds: 0) == .milliseconds(20))
    }
}

@Suite struct TransportAddressTests {
    @Test func parsesAndFormatsBothFamilies() throws {
        let v4 = try #require(TransportAddress(host: "192.0.2.17", port: 3480))
        #expect(v4.ip.bytes == [192, 0, 2, 17])
        #expect(v4.description == "192.0.2.17:3480")
        let v6 = try #require(TransportAddress(host: "2001:db8:31:2::a", port: 3480))
        #expect(v6.ip.bytes.count == 16)
        #expect(v6.description == "[2001:db8:31:2::a]:3480")
        #expect(IPAddress("999.1.1.1") == nil)
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}
