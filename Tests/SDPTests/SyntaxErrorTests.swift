import SDP
import Testing

/// Each syntax error names the 1-based line, its text, what was expected and what was found.
@Suite struct SyntaxErrorTests {
    /// Replaces one line of the WhatsApp fixture and returns the parse error's message.
    private func message(line: Int, _ replacement: String?) throws -> String? {
        let text = try Fixtures.whatsApp(replacing: line, with: replacement)
        return Fixtures.error { try SessionDescription(parsing: text) }?.description
    }

    @Test(arguments: [
        // m= line
        (8, "m=audio x UDP/TLS/RTP/SAVPF 111",
         "line 8: 'm=audio x UDP/TLS/RTP/SAVPF 111': expected a port number, found 'x'"),
        (8, "m=audio 70000 UDP/TLS/RTP/SAVPF 111",
         "line 8: 'm=audio 70000 UDP/TLS/RTP/SAVPF 111': expected a port number, found '70000'"),
        (8, "m=audio 3480", "line 8: 'm=audio 3480': expected a transport protocol such as 'UDP/TLS/RTP/SAVPF', found nothing"),
        (8, "m=audio 3480 UDP/TLS/RTP/SAVPF",
         "line 8: 'm=audio 3480 UDP/TLS/RTP/SAVPF': expected at least one format, found nothing"),
        (8, "m=", "line 8: 'm=': expected a media type such as 'audio', found nothing"),
        // v= o= s=
        (1, "v=1", "line 1: 'v=1': expected version 0, found '1'"),
        (1, "o=- 1 1 IN IP4 0.0.0.0", "line 1: 'o=- 1 1 IN IP4 0.0.0.0': expected 'v=0', found 'o='"),
        (2, "o=- abc 2 IN IP4 127.0.0.1", "line 2: 'o=- abc 2 IN IP4 127.0.0.1': expected a numeric session id, found 'abc'"),
        (2, "o=- 1 2 XX IP4 127.0.0.1", "line 2: 'o=- 1 2 XX IP4 127.0.0.1': expected network type 'IN', found 'XX'"),
        (2, "o=- 1 2 IN IP5 127.0.0.1", "line 2: 'o=- 1 2 IN IP5 127.0.0.1': expected address type 'IP4' or 'IP6', found 'IP5'"),
        (2, "o=- 1 2 IN IP4", "line 2: 'o=- 1 2 IN IP4': expected an address, found nothing"),
        (2, "s=-", "line 2: 's=-': expected an 'o=' line, found 's='"),
        (3, "t=0 0", "line 3: 't=0 0': expected an 's=' line, found 't='"),
        // session level
        (4, "t=0", "line 4: 't=0': expected a stop time, found nothing"),
        (4, "t=now 0", "line 4: 't=now 0': expected a start time, found 'now'"),
        (4, "v=0", "line 4: 'v=0': expected a single 'v=' line at the start, found 'v='"),
        (5, "ice-lite", "line 5: 'ice-lite': expected '<type>=<value>', found 'ic'"),
        (5, "=x", "line 5: '=x': expected '<type>=<value>', found '=x'"),
        (5, "a=", "line 5: 'a=': expected an attribute name after 'a=', found nothing"),
        (5, "b=AS", "line 5: 'b=AS': expected '<type>:<bandwidth>', found 'AS'"),
        (5, "b=AS:lots", "line 5: 'b=AS:lots': expected a bandwidth number, found 'lots'"),
        (6, "a=group:", "line 6: 'a=group:': expected group semantics such as 'BUNDLE', found nothing"),
        // media level
        (9, "c=IN IP4", "line 9: 'c=IN IP4': expected an address, found nothing"),
        (9, "c=ATM NSAP 1", "line 9: 'c=ATM NSAP 1': expected 'IN IP4 <address>' or 'IN IP6 <address>', found 'ATM'"),
        (9, "t=0 0", "line 9: 't=0 0': expected a media-level line (i=, c=, b=, k=, a=) after 'm=', found 't='"),
        (11, "a=candidate:1 1 udp 2122260223 192.0.2.17 3480 host",
         "line 11: 'a=candidate:1 1 udp 2122260223 192.0.2.17 3480 host': expected 'typ', found 'host'"),
        (11, "a=candidate:1 0 udp 1 192.0.2.17 3480 typ host",
         "line 11: 'a=candidate:1 0 udp 1 192.0.2.17 3480 typ host': expected a component id (1-256), found '0'"),
        (11, "a=candidate:1 1 udp -5 192.0.2.17 3480 typ host",
         "line 11: 'a=candidate:1 1 udp -5 192.0.2.17 3480 typ host': expected a priority (0-4294967295), found '-5'"),
        (11, "a=candidate:1 1 udp 1 192.0.2.17 port typ host",
         "line 11: 'a=candidate:1 1 udp 1 192.0.2.17 port typ host': expected a port number, found 'port'"),
        (11, "a=candidate:1 1 udp 1 192.0.2.17 3480 typ",
         "line 11: 'a=candidate:1 1 udp 1 192.0.2.17 3480 typ': expected a candidate type (host, srflx, prflx, relay), found nothing"),
        (11, "a=candidate:1 1 udp 1 192.0.2.17 3480 typ srflx raddr",
         "line 11: 'a=candidate:1 1 udp 1 192.0.2.17 3480 typ srflx raddr': expected a value after 'raddr', found nothing"),
        (11, "a=candidate:1 1 udp 1 192.0.2.17 3480 typ srflx raddr 10.0.0.1 rport x",
         "line 11: 'a=candidate:1 1 udp 1 192.0.2.17 3480 typ srflx raddr 10.0.0.1 rport x': "
             + "expected a port number after 'rport', found 'x'"),
        (13, "a=ice-ufrag:", "line 13: 'a=ice-ufrag:': expected a value after 'a=ice-ufrag:', found nothing"),
        (16, "a=fingerprint:sha-256", "line 16: 'a=fingerprint:sha-256': expected hex pairs joined by colons, found nothing"),
        (16, "a=fingerprint:sha-256 5A:2C:9", "line 16: 'a=fingerprint:sha-256 5A:2C:9': expected hex pairs joined by colons, found '5A:2C:9'"),
        (16, "a=fingerprint:sha-256 5A:ZZ", "line 16: 'a=fingerprint:sha-256 5A:ZZ': expected hex pairs joined by colons, found '5A:ZZ'"),
        (17, "a=setup:client", "line 17: 'a=setup:client': expected a setup role (actpass, active, passive, holdconn), found 'client'"),
        (18, "a=mid:", "line 18: 'a=mid:': expected a value after 'a=mid:', found nothing"),
        (19, "a=extmap:0 urn:x", "line 19: 'a=extmap:0 urn:x': expected an extension id (1-255), found '0'"),
        (19, "a=extmap:1/up urn:x", "line 19: 'a=extmap:1/up urn:x': expected a direction (sendrecv, sendonly, recvonly, inactive), found 'up'"),
        (19, "a=extmap:1", "line 19: 'a=extmap:1': expected an extension URI, found nothing"),
        (25, "a=rtpmap:128 opus/48000/2", "line 25: 'a=rtpmap:128 opus/48000/2': expected a payload type (0-127), found '128'"),
        (25, "a=rtpmap:111 opus", "line 25: 'a=rtpmap:111 opus': expected '<encoding>/<clock rate>[/<channels>]', found 'opus'"),
        (25, "a=rtpmap:111 opus/fast/2", "line 25: 'a=rtpmap:111 opus/fast/2': expected a clock rate, found 'fast'"),
        (25, "a=rtpmap:111", "line 25: 'a=rtpmap:111': expected '<encoding>/<clock rate>[/<channels>]', found nothing"),
        (26, "a=rtcp-fb:x nack", "line 26: 'a=rtcp-fb:x nack': expected a payload type (0-127), found 'x'"),
        (27, "a=fmtp:111", "line 27: 'a=fmtp:111': expected format parameters after the payload type, found nothing"),
        (27, "a=fmtp:opus minptime=10", "line 27: 'a=fmtp:opus minptime=10': expected a payload type (0-127), found 'opus'"),
        (29, "a=ssrc:abc cname:x", "line 29: 'a=ssrc:abc cname:x': expected an SSRC (0-4294967295), found 'abc'"),
        (29, "a=ssrc:4294967296 cname:x", "line 29: 'a=ssrc:4294967296 cname:x': expected an SSRC (0-4294967295), found '4294967296'"),
        (29, "a=ssrc:1", "line 29: 'a=ssrc:1': expected a source attribute after the SSRC, found nothing"),
        (24, "a=ptime:twenty", "line 24: 'a=ptime:twenty': expected a packet time in milliseconds, found 'twenty'"),
    ])
    func lineError(line: Int, replacement: String, expected: String) throws {
        #expect(try message(line: line, replacement) == expected)
    }

    @Test func errorCarriesLineTextExpectedAndFound() throws {
        let text = try Fixtures.whatsApp(replacing: 8, with: "m=audio x UDP/TLS/RTP/SAVPF 111")
        #expect(Fixtures.error { try SessionDescription(parsing: text) }
            == .syntax(line: 8, text: "m=audio x UDP/TLS/RTP/SAVPF 111", expected: "a port number", found: "x"))
    }

    @Test func truncatedDocuments() {
        #expect(Fixtures.error { try SessionDescription(parsing: "") }?.description
            == "line 1: expected 'v=0', found end of input")
        #expect(Fixtures.error { try SessionDescription(parsing: "v=0\r\n") }?.description
            == "line 2: expected an 'o=' line, found end of input")
        #expect(Fixtures.error { try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 0.0.0.0\n") }?.description
            == "line 3: expected an 's=' line, found end of input")
    }

    @Test func invalidLineInLFDocumentKeepsItsNumber() {
        let text = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9 UDP/TLS/RTP/SAVPF 111\na=rtpmap:111 opus/x\n"
        #expect(Fixtures.error { try SessionDescription(parsing: text) }?.description
            == "line 6: 'a=rtpmap:111 opus/x': expected a clock rate, found 'x'")
    }
}
