import Wire

/// One RFC 4733 telephone-event block (section 2.3):
///
///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |     event     |E|R| volume    |          duration             |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// `duration` counts units of the payload type's own clock (8000 Hz for `telephone-event/8000`,
/// even when the audio codec runs at 48 kHz). Event codes above 15 parse fine and report
/// `digit == nil` (an unknown event for DTMF purposes); they are not an error.
public struct TelephoneEvent: Sendable, Hashable {
    /// Size of one event block on the wire.
    public static let wireLength = 4
    /// Largest value of the 6-bit volume field (power level in -dBm0).
    public static let maxVolume: UInt8 = 63

    /// The event code (0-15 are the DTMF digits; other codes are other named events).
    public var event: UInt8
    /// The E bit: this packet ends the event.
    public var isEnd: Bool
    /// The R bit, reserved: senders set it to 0, receivers ignore it; kept for round trips.
    public var reserved: Bool
    /// Power level of the tone in -dBm0 (0...63).
    public var volume: UInt8
    /// Duration so far, in clock units of the payload type, since the event's RTP timestamp.
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool = false, reserved: Bool = false, volume: UInt8 = 10, duration: UInt16 = 0) {
        self.event = event
        self.isEnd = isEnd
        self.reserved = reserved
        self.volume = volume
        self.duration = duration
    }

    /// The DTMF digit for event codes 0-15 ('0'-'9', '*', '#', 'A'-'D'); nil for any other code.
    public var digit: Character? { Self.digit(forEvent: event) }

    /// The DTMF digit for an event code, or nil when the code is not 0-15.
    public static func digit(forEvent code: UInt8) -> Character? {
        code < 16 ? digits[Int(code)] : nil
    }

    /// The event code for a DTMF digit (lower-case a-d accepted), or nil for any other character.
    public static func event(forDigit digit: Character) -> UInt8? {
        let upper = digit.uppercased()
        guard let index = digits.firstIndex(where: { String($0) == upper }) else { return nil }
        return UInt8(index)
    }

    /// The sixteen DTMF digits in event-code order (RFC 4733 section 3.2, table 7).
    public static let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]

    /// Parses exactly one 4-byte block starting at `offset`.
    public init(parsing bytes: [UInt8], offset: Int = 0) throws {
        var reader = ByteReader(bytes, offset: offset)
        do {
            event = try reader.readUInt8("event")
            let flags = try reader.readUInt8("E/R/volume")
            isEnd = flags & 0x80 != 0
            reserved = flags & 0x40 != 0
            volume = flags & 0x3F
            duration = try reader.readUInt16("duration")
        } catch let WireError.truncated(field, at, needed, available) {
            throw DTMFError.truncated(field: field, offset: at, needed: needed, available: available)
        }
    }

    /// Parses a whole telephone-event payload: one or more 4-byte blocks (RFC 4733 section
    /// 2.5.1.5 allows several consecutive events in one packet). An empty or short payload is
    /// `truncated`; a length that is not a multiple of 4 is `trailingBytes`.
    public static func parseAll(_ payload: [UInt8]) throws -> [TelephoneEvent] {
        if payload.count < wireLength {
            _ = try TelephoneEvent(parsing: payload)
        }
        let whole = payload.count / wireLength * wireLength
        guard whole == payload.count else {
            throw DTMFError.trailingBytes(offset: whole, count: payload.count - whole)
        }
        return try stride(from: 0, to: whole, by: wireLength).map { try TelephoneEvent(parsing: payload, offset: $0) }
    }

    /// The 4-byte wire form. Throws when `volume` does not fit its 6 bits.
    public func serialized() throws -> [UInt8] {
        guard volume <= Self.maxVolume else {
            throw DTMFError.valueOutOfRange(field: "volume", value: Int(volume), max: Int(Self.maxVolume))
        }
        var writer = ByteWriter(capacity: Self.wireLength)
        writer.write(event)
        writer.write((isEnd ? 0x80 : 0) | (reserved ? 0x40 : 0) | volume)
        writer.write(duration)
        return writer.bytes
    }
}
