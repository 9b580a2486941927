import Foundation
@testable import Flow
import Testing

/// Scenario: `say:` as a map by language is spoken in the call's language with that language's voice
/// (Flite for English, eSpeak NG for the rest), falling back to the flow's first language; the validator
/// reports a missing language entry and a voice that cannot speak a language as file:line.
@Suite struct SayLanguageTests {
    static let yaml = """
        name: desk
        languages: [en-us, es]
        start: hello
        steps:
          hello:
            play:
              say:
                en-us: "Welcome."
                es: "Bienvenido."
            next: choose
          choose:
            menu:
              prompt: main_menu
              options:
                "2": { goto: spanish }
              timeout: 1s
              retries: 0
              on_failure: again
          spanish: { set: { language: es }, next: again }
          again:
            play:
              say: { en-us: "Goodbye.", es: "Adiós." }
              voice: { en-us: slt }
            next: end
          end: { hangup: done }
        """

    @Test func theCallsLanguagePicksTheTextAndTheVoice() throws {
        var d = Driver(try mustLoad(Self.yaml))
        #expect(d.send(.started, at: 0).contains(.say(text: "Welcome.", voice: "rms", language: "en-us", bargeIn: false)))
        d.send(.promptFinished, at: 1)
        d.send(.promptFinished, at: 2)
        let spanish = d.send(.digit("2"), at: 3)
        #expect(spanish.contains(.say(text: "Adiós.", voice: "espeak", language: "es", bargeIn: false)))
    }

    @Test func englishCallersHearTheEnglishVoiceNamedForIt() throws {
        var d = Driver(try mustLoad(Self.yaml))
        d.send(.started, at: 0)
        d.send(.promptFinished, at: 1)
        d.send(.promptFinished, at: 2)
        let bye = d.tick(at: 10)
        #expect(bye.contains(.say(text: "Goodbye.", voice: "slt", language: "en-us", bargeIn: false)))
    }

    @Test func staticTextsAreListedPerLanguage() throws {
        let flow = try mustLoad(Self.yaml)
        #expect(flow.staticSpeech.map { "\($0.step) \($0.language) \($0.voice) \($0.text)" } == [
            "hello en-us rms Welcome.", "hello es espeak Bienvenido.", "again en-us slt Goodbye.", "again es espeak Adiós.",
        ])
    }

    @Test func missingLanguagesAndVoicesThatCannotSpeakThemAreErrors() {
        let (_, diagnostics) = loadText("""
            name: x
            languages: [en-us, es]
            start: a
            steps:
              a:
                play:
                  say: { en-us: "Hello." }
                next: b
              b:
                play:
                  say: { en-us: "Hi.", es: "Hola.", fr: "Salut." }
                  voice: rms
                next: c
              c:
                play: { say: "One text." }
                next: d
              d: { hangup: done }
            """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:7: step 'a': 'say' has no text for language 'es'; add es: \"…\" (callers in 'es' would hear the 'en-us' text)",
            "test.yaml:11: step 'b': 'say' has a text for 'fr', which is not in 'languages'; expected one of: en-us, es",
            "test.yaml:12: step 'b': voice 'rms' cannot speak language 'es' (it speaks en-us, en); use voice 'espeak', or record Prompts/es/ files and play them",
            "test.yaml:15: step 'c': 'say' has one text but the flow speaks en-us, es; write one per language, like say: {en-us: \"…\", es: \"…\"}",
        ])
    }

    @Test func aMapNeedsDeclaredLanguagesAndVoicesMustExist() {
        let (_, diagnostics) = loadText("""
            name: x
            start: a
            steps:
              a:
                play:
                  say: { en-us: "Hello." }
                  voice: { en-us: robot }
                next: b
              b: { hangup: done }
            """)
        #expect(diagnostics.map(\.description) == [
            "test.yaml:6: step 'a': 'say' by language needs the flow's 'languages' (for example languages: [en-us])",
            "test.yaml:7: step 'a': unknown voice 'robot'; expected one of: rms, slt, awb, kal, espeak",
        ])
    }

    @Test func eSpeakLanguagesResolveToTheirBase() {
        #expect(SpeechVoices.espeakLanguage(for: "es-MX") == "es")
        #expect(SpeechVoices.espeakLanguage(for: "pt-BR") == "pt-br")
        #expect(SpeechVoices.espeakLanguage(for: "fr") == "fr-be" || SpeechVoices.espeakLanguage(for: "fr") == "fr-fr")
        #expect(SpeechVoices.espeakLanguage(for: "tlh") == nil)
        #expect(!SpeechVoices.speaks(voice: "espeak", language: "tlh"))
    }
}
