import FuzzSupport
import DTMF
import Wire

/// RFC 4733 telephone events: the payload parser and the receiver that turns a stream of event packets
/// (duplicates, reordering, lost ends, timestamp wrap) into one digit per key press.
///
/// Input: a clock-rate byte, then packets: flags (marker, clock step), sequence number, RTP timestamp and a
/// payload chunk. Invariants: a parsed payload serialises back to the same bytes; every reported digit is one
/// of the sixteen; a press reported once is never reported again (same RTP timestamp) until the timestamps
/// have gone half-way round their 32-bit circle since (serial-number arithmetic cannot tell it from a new
/// press after that: a real stream takes 3.1 days at 8 kHz, a fuzzer a few packets); once the receiver's
/// deadline has passed, `handleTimeout` leaves no press open.
///
/// "Since" is measured on the timeline of the events fed, unwrapped packet by packet with the receiver's
/// own serial order, not on the order of the reports: a press still open when a press exactly half the
/// circle later is reported comes out after it (at its timeout), though it began before it.
enum TelephoneEventFuzz {
    static func run(_ bytes: [UInt8]) {
        var input = FuzzReader(bytes)
        guard let made = try? DTMFReceiver(clockRate: input.pick([8000, 16_000, 48_000]),
                                           endTimeout: .milliseconds(Int64(input.byte() % 200) + 1)) else {
            require(false, "valid receiver settings refused")
            return
        }
        var receiver = made
        var now = Instant(nanoseconds: 5_000_000_000)
        // Where each event timestamp fed last sits on the unwrapped timeline, and the newest position fed.
        var fed: [UInt32: Int64] = [:]
        var newest: Int64?
        // Each reported press at its position on that timeline when it was reported.
        var reported: [UInt32: Int64] = [:]
        var packets = 0
        while !input.isAtEnd && packets < 256 {
            packets += 1
            let flags = input.byte()
            let sequence = input.u16(), timestamp = input.u32()
            let payload = input.chunk()
            now = now + .milliseconds(Int64(flags >> 2))
            if let events = try? TelephoneEvent.parseAll(payload) {
                let again = try? events.flatMap { try $0.serialized() }
                require(again == payload, "RFC 4733 payload does not serialise back to its bytes")
                // As the receiver does: packed events follow each other; events that are not keys are ignored.
                var ts = timestamp
                for event in events {
                    if event.digit != nil {
                        let position = newest.map { $0 + step(from: $0, to: ts) } ?? Int64(ts)
                        fed[ts] = position
                        newest = max(newest ?? position, position)
                    }
                    ts &+= UInt32(event.duration)
                }
            }
            var digits = (try? receiver.handle(payload: payload, rtpTimestamp: timestamp, sequence: sequence,
                                                marker: flags & 1 != 0, arrival: now)) ?? []
            if flags & 2 != 0 {
                now = receiver.nextDeadline() ?? now
                digits += receiver.handleTimeout(now: now)
                require(!receiver.hasOpenPress || receiver.nextDeadline().map { $0 > now } == true,
                        "a press is still open after its deadline passed")
            }
            for digit in digits {
                require(TelephoneEvent.digits.contains(digit.digit), "reported digit '\(digit.digit)' is not a key")
                guard let ts = digit.rtpTimestamp else { continue }
                guard let position = fed[ts] else {
                    require(false, "a press at timestamp \(ts) was reported, but no key event was fed there")
                    return
                }
                if let before = reported[ts] {
                    require(position - before >= (1 << 31) - segmentSlack,
                            "the press at timestamp \(ts) was reported twice")
                }
                reported[ts] = position
            }
        }
    }

    /// Room for the segments of a long press (at most 255 of 0xFFFF units here): the receiver measures from the
    /// newest segment it reported, which lies a little past the press's own timestamp.
    static let segmentSlack: Int64 = 255 * 0x1_0000

    /// The signed step on the unwrapped timeline from `newest` to `ts`, by serial order as the receiver
    /// judges it (`DTMFReceiver.isAfter`): less than half the circle ahead is ahead, anything else (exactly
    /// half included) is behind.
    static func step(from newest: Int64, to ts: UInt32) -> Int64 {
        let distance = Int64(ts &- UInt32(truncatingIfNeeded: newest))
        return distance < (1 << 31) ? distance : distance - (1 << 32)
    }
}
