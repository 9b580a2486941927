import FuzzSupport
import DTMF
import Wire

/// RFC 4733 telephone events: the payload parser and the receiver that turns a stream of event packets
/// (duplicates, reordering, lost ends, timestamp wrap) into one digit per key press.
///
/// Input: a clock-rate byte, then packets: flags (marker, clock step), sequence number, RTP timestamp and a
/// payload chunk. Invariants: a parsed payload serialises back to the same bytes; every reported digit is one
/// of the sixteen; a press reported once is never reported again (same RTP timestamp) until the reported
/// presses have gone half-way round the 32-bit circle since, the receiver's own rule; once the receiver's
/// deadline has passed, `handleTimeout` leaves no press open.
///
/// "Since" is measured on the timeline of the reported presses, unwrapped report by report (a fuzzer laps the
/// circle in a few strides; a real stream needs 3.1 days at 8 kHz). Not on the key events fed: serial order
/// is not transitive over more than half the circle, and a repeat the receiver rightly ignores (its
/// timestamp is remembered as reported) may lie "ahead" of the newest event fed, so unwrapping the fed
/// events would count a lap the receiver never made. A step of about half the circle, fed or reported, has
/// no order: there the receiver decides by its own state (a press left open at exactly half the circle is
/// reported at its timeout, after the later one; segments move its newest timestamp), so after such a step
/// repeats are not judged here. The receiver's scenarios pin those cases down (DTMFReceiverTests).
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
        // The newest key event fed, as a timestamp: only to notice a step of about half the circle.
        var newestFed: UInt32?
        // Each reported press at its position on the unwrapped timeline of reports, and the newest position.
        var reported: [UInt32: Int64] = [:]
        var newestReport: Int64?
        // Whether a step of about half the circle was fed or reported.
        var ambiguous = false
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
                // As the receiver does: packed events follow each other without a gap; other events, and blocks
                // past the receiver's limit per payload, are ignored.
                var ts = timestamp
                for event in events.prefix(DTMFReceiver.maxBlocksPerPayload) {
                    if event.digit != nil {
                        if let newestFed, isAboutHalf(ts &- newestFed) { ambiguous = true }
                        if newestFed.map({ ts &- $0 < 0x8000_0000 }) ?? true { newestFed = ts }
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
                let step = newestReport.map { ts &- UInt32(truncatingIfNeeded: $0) } ?? 0
                if isAboutHalf(step) { ambiguous = true }
                let distance = Int64(step)
                let position = (newestReport ?? Int64(ts)) + (distance < (1 << 31) ? distance : distance - (1 << 32))
                if let before = reported[ts], !ambiguous {
                    require(position - before >= (1 << 31) - segmentSlack, "the press at timestamp \(ts) was reported twice")
                }
                reported[ts] = position
                newestReport = max(newestReport ?? position, position)
            }
        }
    }

    /// A step between two timestamps of about half the circle: serial order cannot say which is later.
    static func isAboutHalf(_ step: UInt32) -> Bool {
        abs(Int64(step) - (1 << 31)) <= segmentSlack
    }

    /// Segments of long presses (at most 255 of 0xFFFF units here, one per packet) move the receiver's newest timestamp a
    /// little past the press's own, so "about half the circle" allows that much.
    static let segmentSlack: Int64 = 255 * 0x1_0000
}
