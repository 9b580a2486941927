import RTP
import SRTP
import Wire

/// Receive-side state: statistics of the caller's stream for RTCP receiver reports.
struct RTPReceiverState {
    var remoteSSRC: UInt32?
    var statistics: ReceiverStatistics?
}

extension CallSession {
    func receiveRTP(_ bytes: [UInt8], now: Instant) {
        guard state == .connected, let srtpIn else { return drop("RTP before SRTP keys") }
        let plain: [UInt8]
        do { plain = try srtpIn.unprotectRTP(bytes) } catch { return drop("SRTP: \(error)") }
        let packet: RTPPacket
        do { packet = try RTPPacket.parse(plain) } catch { return drop("RTP: \(error)") }
        counters.rtpReceived += 1
        if receiver.remoteSSRC != packet.ssrc {
            receiver.remoteSSRC = packet.ssrc
            // SRTP authentication already vouches for the source: no probation.
            receiver.statistics = ReceiverStatistics(ssrc: packet.ssrc, clockRate: 48_000, minSequential: 0)
        }
        receiver.statistics?.record(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp, arrival: now)
        if packet.payloadType == parameters.opusPayloadType {
            events.append(.audio(payload: packet.payload, rtpTimestamp: packet.timestamp,
                                 sequence: packet.sequenceNumber, marker: packet.marker))
        } else if packet.payloadType == parameters.telephoneEventPayloadType
            || parameters.otherTelephoneEventPayloadTypes.contains(packet.payloadType) {
            events.append(.telephoneEvent(payload: packet.payload, rtpTimestamp: packet.timestamp,
                                          sequence: packet.sequenceNumber, marker: packet.marker))
        } else {
            drop("RTP payload type \(packet.payloadType) was not negotiated")
        }
    }

    func receiveRTCP(_ bytes: [UInt8], now: Instant) {
        guard state == .connected, let srtpIn else { return drop("RTCP before SRTP keys") }
        let plain: [UInt8]
        do { plain = try srtpIn.unprotectRTCP(bytes) } catch { return drop("SRTCP: \(error)") }
        let compound: RTCPCompoundPacket
        do { compound = try RTCPCompoundPacket.parse(plain, allowReducedSize: true) } catch { return drop("RTCP: \(error)") }
        counters.rtcpReceived += 1
        if let sr = compound.senderReport, sr.ssrc == receiver.remoteSSRC {
            receiver.statistics?.recordSenderReport(sr, arrival: now)
        }
        for packet in compound.packets {
            if case let .bye(bye) = packet, bye.ssrcs.contains(where: { $0 == receiver.remoteSSRC }) {
                events.append(.remoteBye(reason: bye.reason))
            }
        }
    }

    func pace(now: Instant) {
        guard let srtpOut else { return }
        while let frame = sender.nextDue(now: now, maxLag: config.maxPacingLag) {
            let packet = RTPPacket(marker: frame.marker, payloadType: sender.payloadType,
                                   sequenceNumber: frame.sequence, timestamp: frame.timestamp, ssrc: sender.ssrc,
                                   payload: frame.payload)
            guard let remote, let bytes = try? packet.serialize(), let protected = try? srtpOut.protectRTP(bytes) else {
                drop("could not protect an outgoing RTP packet")
                continue
            }
            transmits.append(Transmit(bytes: protected, destination: remote))
            counters.rtpSent += 1
            counters.pacing.record(now - frame.due)
            senderStatistics.recordSent(payloadBytes: frame.payload.count)
            if frame.isSilence { counters.silenceFramesSent += 1 }
            if let tag = frame.endsPlay { events.append(.playbackFinished(tag: tag, interrupted: false)) }
        }
    }

    func sendRTCP(now: Instant) {
        nextRTCP = now + config.rtcpInterval
        guard let srtpOut, let remote else { return }
        guard let compound = try? rtcpReport(now: now).serialize(), let protected = try? srtpOut.protectRTCP(compound) else {
            return drop("could not build or protect an RTCP report")
        }
        transmits.append(Transmit(bytes: protected, destination: remote))
        counters.rtcpSent += 1
    }
}

extension CallSession {
    /// SR (we always send media) with a report block for the caller's stream, plus SDES CNAME.
    func rtcpReport(now: Instant) -> RTCPCompoundPacket {
        var blocks: [ReportBlock] = []
        if var stats = receiver.statistics {
            blocks.append(stats.makeReportBlock(now: now))
            receiver.statistics = stats
        }
        let unix = wallClockAnchor.unixNanoseconds + (now - wallClockAnchor.instant).totalNanoseconds
        let mapping = timestampMapping ?? RTPTimestampMapping(anchor: now, anchorTimestamp: sender.timestamp, clockRate: 48_000)
        let sr = senderStatistics.makeSenderReport(now: now, wallClock: NTPTime(unixNanoseconds: unix), mapping: mapping,
                                                   reports: blocks)
        return RTCPCompoundPacket(packets: [
            .senderReport(sr),
            .sourceDescription(RTCPSourceDescription(ssrc: localSSRC, cname: parameters.cname)),
        ])
    }
}
