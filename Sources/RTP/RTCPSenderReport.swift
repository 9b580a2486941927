import Wire

/// RTCP sender report, packet type 200 (RFC 3550 6.4.1).
public struct RTCPSenderReport: Equatable, Sendable {
    public static let packetType: UInt8 = 200

    public var ssrc: UInt32
    public var ntpTime: NTPTime
    /// The RTP timestamp of the same instant as `ntpTime`.
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// At most 31.
    public var reports: [ReportBlock]
    /// Profile-specific extension bytes after the report blocks (a multiple of 4), kept raw.
    public var profileExtension: [UInt8]

    public init(ssrc: UInt32, ntpTime: NTPTime, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
                reports: [ReportBlock] = [], profileExtension: [UInt8] = []) {
        self.ssrc = ssrc
        self.ntpTime = ntpTime
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtension = profileExtension
    }

    static func parse(count: Int, _ r: inout RTPReader) throws -> RTCPSenderReport {
        let start = r.offset
        let needed = 24 + count * ReportBlock.length
        guard r.remaining >= needed else {
            throw RTPError.badRTCPBody(packetType: packetType, offset: start,
                                       reason: "report count \(count) needs \(needed) body bytes, \(r.remaining) available")
        }
        let ssrc = try r.u32("SR SSRC")
        let ntp = NTPTime(rawValue: try r.u64("SR NTP timestamp"))
        let rtp = try r.u32("SR RTP timestamp")
        let packets = try r.u32("SR packet count")
        let octets = try r.u32("SR octet count")
        var reports: [ReportBlock] = []
        for _ in 0..<count { reports.append(try ReportBlock.parse(&r)) }
        let ext = try r.take(r.remaining, "SR profile extension")
        return RTCPSenderReport(ssrc: ssrc, ntpTime: ntp, rtpTimestamp: rtp, packetCount: packets,
                                octetCount: octets, reports: reports, profileExtension: ext)
    }

    func writeBody(to w: inout ByteWriter) throws -> UInt8 {
        guard reports.count <= 31 else {
            throw RTPError.valueOutOfRange(field: "SR report count", value: reports.count, max: 31)
        }
        w.write(ssrc)
        w.write(ntpTime.rawValue)
        w.write(rtpTimestamp)
        w.write(packetCount)
        w.write(octetCount)
        for block in reports { block.write(to: &w) }
        w.write(bytes: profileExtension)
        return UInt8(reports.count)
    }
}

/// RTCP receiver report, packet type 201 (RFC 3550 6.4.2).
public struct RTCPReceiverReport: Equatable, Sendable {
    public static let packetType: UInt8 = 201

    public var ssrc: UInt32
    /// At most 31.
    public var reports: [ReportBlock]
    public var profileExtension: [UInt8]

    public init(ssrc: UInt32, reports: [ReportBlock] = [], profileExtension: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtension = profileExtension
    }

    static func parse(count: Int, _ r: inout RTPReader) throws -> RTCPReceiverReport {
        let needed = 4 + count * ReportBlock.length
        guard r.remaining >= needed else {
            throw RTPError.badRTCPBody(packetType: packetType, offset: r.offset,
                                       reason: "report count \(count) needs \(needed) body bytes, \(r.remaining) available")
        }
        let ssrc = try r.u32("RR SSRC")
        var reports: [ReportBlock] = []
        for _ in 0..<count { reports.append(try ReportBlock.parse(&r)) }
        return RTCPReceiverReport(ssrc: ssrc, reports: reports,
                                  profileExtension: try r.take(r.remaining, "RR profile extension"))
    }

    func writeBody(to w: inout ByteWriter) throws -> UInt8 {
        guard reports.count <= 31 else {
            throw RTPError.valueOutOfRange(field: "RR report count", value: reports.count, max: 31)
        }
        w.write(ssrc)
        for block in reports { block.write(to: &w) }
        w.write(bytes: profileExtension)
        return UInt8(reports.count)
    }
}
