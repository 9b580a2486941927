import FuzzSupport
import RTP
import Wire

/// RTP and RTCP on the media socket: RFC 7983 classification, the RTP packet parser and the in-place header
/// view the media loop uses, compound RTCP (full and reduced-size), and receiver statistics fed with
/// arbitrary sequence numbers, timestamps and arrival times.
///
/// Input: one datagram; the same bytes are then read as (sequence, timestamp, arrival step) records for the
/// statistics. Invariants: a parsed RTP packet serialises back to the input (when its padding is zero, as
/// RFC 3550 leaves it free) and the header view agrees with it field by field, audio level included; a
/// parsed compound RTCP packet serialises to bytes that parse to the same packets; report blocks stay in
/// their wire ranges.
enum RTPFuzz {
    static func run(_ bytes: [UInt8]) {
        _ = PacketClass.classify(bytes)
        rtp(bytes)
        rtcp(bytes, reducedSize: false)
        rtcp(bytes, reducedSize: true)
        statistics(bytes)
    }

    static func rtp(_ bytes: [UInt8]) {
        let packet: RTPPacket
        do { packet = try RTPPacket.parse(bytes) } catch {
            require(!"\(error)".isEmpty, "RTP error without a message")
            return
        }
        let view: RTPHeaderView
        do { view = try RTPHeaderView(bytes) } catch {
            require(false, "the header view refuses a packet RTPPacket parses: \(error)")
            return
        }
        require(view.marker == packet.marker && view.payloadType == packet.payloadType
                && view.sequenceNumber == packet.sequenceNumber && view.timestamp == packet.timestamp
                && view.ssrc == packet.ssrc && view.csrcCount == packet.csrcs.count,
                "the header view and the parsed packet disagree on a header field")
        require(Array(view.payload) == packet.payload, "the header view and the parsed packet disagree on the payload")
        for id in UInt8(1)...UInt8(14) {
            require(view.audioLevel(extensionID: id) == packet.audioLevel(extensionID: id),
                    "audio level of extension \(id) differs between the view and the packet")
        }
        let serialized: [UInt8]
        do { serialized = try packet.serialize() } catch {
            require(false, "a parsed RTP packet does not serialise: \(error)")
            return
        }
        let padding = Int(packet.paddingLength)
        let paddingIsZero = padding <= 1 || bytes[(bytes.count - padding)..<(bytes.count - 1)].allSatisfy { $0 == 0 }
        if paddingIsZero {
            require(serialized == bytes, "RTP parse → serialise is not byte-exact")
        } else {
            require((try? RTPPacket.parse(serialized)) == packet, "re-serialised RTP packet parses differently")
        }
    }

    static func rtcp(_ bytes: [UInt8], reducedSize: Bool) {
        guard let compound = try? RTCPCompoundPacket.parse(bytes, allowReducedSize: reducedSize) else { return }
        let serialized: [UInt8]
        do { serialized = try compound.serialize() } catch {
            require(false, "a parsed RTCP compound packet does not serialise: \(error)")
            return
        }
        do {
            let again = try RTCPCompoundPacket.parse(serialized, allowReducedSize: reducedSize)
            require(again == compound, "re-serialised RTCP parses to different packets")
        } catch {
            require(false, "re-serialised RTCP does not parse: \(error)")
        }
    }

    static func statistics(_ bytes: [UInt8]) {
        var input = FuzzReader(bytes)
        var stats = ReceiverStatistics(ssrc: input.u32(), clockRate: input.pick([8000, 16_000, 48_000]),
                                       minSequential: Int(input.byte() % 4))
        var now = Instant(nanoseconds: Int64(input.u32()))
        while input.remaining >= 8 {
            let seq = input.u16(), timestamp = input.u32()
            now = now + .microseconds(Int64(input.u16()))
            stats.record(sequenceNumber: seq, rtpTimestamp: timestamp, arrival: now)
            if seq & 0x1F == 0 {
                let block = stats.makeReportBlock(now: now)
                require(block.cumulativeLost >= -0x80_0000 && block.cumulativeLost <= 0x7F_FFFF,
                        "cumulative lost \(block.cumulativeLost) does not fit 24 bits")
                // The block as it goes on the wire, in a receiver report, comes back unchanged.
                let report = RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: 1, reports: [block]))])
                let wire = try? report.serialize()
                require(wire.flatMap { try? RTCPCompoundPacket.parse($0) } == report,
                        "a report block does not survive serialise → parse: \(block)")
            }
        }
    }
}
