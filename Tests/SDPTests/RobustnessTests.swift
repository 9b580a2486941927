import SDP
import Testing

/// Garbage in gives a precise error or a value, never a crash.
@Suite struct RobustnessTests {
    @Test func everyTruncationParsesOrThrows() throws {
        let text = try Fixtures.text("whatsapp-offer.sdp")
        var thrown = 0
        for length in 0...text.count {
            let prefix = String(text.prefix(length))
            do {
                let sdp = try SessionDescription(parsing: prefix)
                _ = try? negotiate(sdp)
            } catch {
                thrown += 1
                #expect(error.description.hasPrefix("line "))
            }
        }
        #expect(thrown > 0)
    }

    @Test func byteMutationsParseOrThrow() throws {
        let text = Array(try Fixtures.text("chrome-offer.sdp").utf8)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("0123456789 :/=-.abcxyz\r\n\u{7f}".utf8)
        for _ in 0..<2000 {
            var bytes = text
            for _ in 0..<(1 + next() % 4) {
                let at = Int(next() % UInt64(bytes.count))
                bytes[at] = alphabet[Int(next() % UInt64(alphabet.count))]
            }
            if let sdp = try? SessionDescription(parsing: String(decoding: bytes, as: UTF8.self)),
               let n = try? negotiate(sdp) {
                let p = AnswerParameters(iceUfrag: "Ab3d", icePwd: "0123456789abcdefABCD+/",
                                         fingerprint: Array(repeating: 1, count: 32), address: "192.0.2.1",
                                         port: 5000, sessionID: 1)
                let answer = try AnswerBuilder.answer(to: sdp, negotiation: n, parameters: p)
                _ = try SessionDescription(parsing: answer.serialized())
            }
        }
    }
}
