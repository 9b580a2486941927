import Audio
import Foundation
@testable import IVRApp
import IVRTesting
import NIOConcurrencyHelpers
import Store
import Testing

/// Scenario: a `say:` step filled in per call is rendered off the call's actor through the spoken-prompt
/// cache and played; the next call saying the same text is a cache hit (the renderer runs once).
@Suite(.serialized) struct SayPromptTests {
    /// Half a second of a 440 Hz tone for any text, remembering what it was asked to say.
    final class ToneRenderer: SpeechRenderer, Sendable {
        let texts = NIOLockedValueBox<[String]>([])
        let engineVersion = "tone-1"
        func render(text: String, voice: String, language: String) throws -> (samples: [Int16], sampleRate: Int) {
            texts.withLockedValue { $0.append("\(voice) \(language) \(text)") }
            let samples = (0..<8_000).map { Int16(8_000 * sin(2 * Double.pi * 440 * Double($0) / 16_000)) }
            return (samples, 16_000)
        }
    }

    static let flow = """
        name: speak
        numbers: ["\(CallHarness.number)"]
        start: hello
        steps:
          hello:
            play:
              say: "Hello {{call.caller_name}}."
            next: end
          end:
            hangup: completed
        """

    @Test func theTextIsRenderedOncePlayedAndHitTheSecondTime() async throws {
        let renderer = ToneRenderer()
        let spoken = SpokenPromptCache(renderer: renderer)
        let h = try await CallHarness(flows: ["speak": Self.flow], spoken: spoken)
        for id in ["wacid.SAY1", "wacid.SAY2"] {
            try await h.connect(id)
            let media = try await h.answer(id)
            for _ in 0..<100 {
                if try await h.store.call(id: id)?.finalizedAt != nil { break }
                h.clock.advance(by: .milliseconds(100))
                try await Task.sleep(for: .milliseconds(20))
            }
            let row = try #require(try await h.waitFinal(id))
            #expect(row.endReason == "hangup")
            // 0.5 s of speech is 25 frames of 20 ms.
            #expect(media.seen.withLockedValue { $0.frameCounts } == [25])
            let prompts = try await h.store.events(callID: id).filter { $0.kind == .prompt }.map(\.detail)
            #expect(prompts == ["say: Hello Ana."])
        }
        #expect(renderer.texts.withLockedValue { $0 } == ["rms en-us Hello Ana."])
        #expect(spoken.misses == 1 && spoken.hits == 1)
    }
}
