import RTP
import SRTP
import Wire

/// Receive-side state: statistics of the caller's stream for RTCP receiver reports.
struct RTPReceiverState {
    var remoteSSRC: UInt32?
    var statistics: ReceiverStatistics?
}

extension CallSession {
    /// The SRTP packet is in `srtpScratch` (the session's reused buffer): unprotected there, parsed in
    /// place; only the payload handed on in the event is copied out.
    func receiveRTPFromScratch(now: Instant) {
        guard state == .connected, let srtpIn else { return drop("RTP before SRTP keys") }
        do { try srtpIn.unprotectRTP(inPlace: &srtpScratch) } catch { return drop("SRTP: \(error)") }
        let packet: RTPHeaderView
        do { packet = try RTPHeaderView(srtpScratch) } catch { return drop("RTP: \(error)") }
        counters.rtpReceived += 1
        let ssrc = packet.ssrc, sequence = packet.sequenceNumber, timestamp = packet.timestamp
        if receiver.remoteSSRC != ssrc {
            receiver.remoteSSRC = ssrc
            // SRTP authentication already vouches for the source: no probation.
            receiver.statistics = ReceiverStatistics(ssrc: ssrc, clockRate: 48_000, minSequential: 0)
        }
        receiver.statistics?.record(sequenceNumber: sequence, rtpTimestamp: timestamp, arrival: now)
        let payloadType = packet.payloadType
        if payloadType == parameters.opusPayloadType {
            events.append(.audio(payload: Array(packet.payload), rtpTimestamp: timestamp,
                                 sequence: sequence, marker: packet.marker))
        } else if payloadType == parameters.telephoneEventPayloadType
            || parameters.otherTelephoneEventPayloadTypes.contains(payloadType) {
            events.append(.telephoneEvent(payload: Array(packet.payload), rtpTimestamp: timestamp,
                                          sequence: sequence, marker: packet.marker))
        } else {
            drop("RTP payload type \(payloadType) was not negotiated")
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
            // One allocation per packet: serialised with room for the SRTP trailer, protected in place.
            guard let remote, var bytes = try? packet.serialize(reservingCapacity: SRTPSession.maxTrailerLength),
                  (try? srtpOut.protectRTP(inPlace: &bytes)) != nil else {
                drop("could not protect an outgoing RTP packet")
                continue
            }
            transmits.append(Transmit(bytes: bytes, destination: remote))
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
