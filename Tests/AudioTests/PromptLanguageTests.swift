import Foundation
import Testing
@testable import Audio

/// Prompts per language: `<folder>/<lang>/<id>.*` first, then `<folder>/<id>.*`; each resolved file is
/// encoded once and shared, and a language's own recording never stands in for another language.
@Suite struct PromptLanguageTests {
    let settings = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000"])

    @Test func theLanguageFolderComesFirstThenTheSharedFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("es"), withIntermediateDirectories: true)
        try TestSupport.writeWAV(TestSupport.sine(frequency: 400, seconds: 0.2, rate: 16_000), rate: 16_000,
                                 to: dir.appendingPathComponent("hello.wav").path)
        try TestSupport.writeWAV(TestSupport.sine(frequency: 600, seconds: 0.4, rate: 16_000), rate: 16_000,
                                 to: dir.appendingPathComponent("es/hello.wav").path)
        try TestSupport.writeWAV(TestSupport.sine(frequency: 500, seconds: 0.3, rate: 16_000), rate: 16_000,
                                 to: dir.appendingPathComponent("bye.wav").path)
        let cache = PromptCache(folder: dir.path)
        let spanish = try cache.encoded(prompt: "hello", language: "es", settings: settings)
        #expect(spanish.path == dir.appendingPathComponent("es/hello.wav").path)
        #expect(spanish.frames.count == 20)
        let english = try cache.encoded(prompt: "hello", language: "en-us", settings: settings)
        #expect(english.path == dir.appendingPathComponent("hello.wav").path)
        #expect(english.frames.count == 10)
        // No Spanish recording of 'bye': the shared file, the same encoding as without a language.
        let bye = try cache.encoded(prompt: "bye", language: "es", settings: settings)
        #expect(bye === (try cache.encoded(prompt: "bye", settings: settings)))
        #expect(try cache.encoded(prompt: "hello", language: "es", settings: settings) === spanish)
        #expect(cache.encodeCount == 3)
        cache.invalidate(prompt: "hello")
        _ = try cache.encoded(prompt: "hello", language: "es", settings: settings)
        #expect(cache.encodeCount == 4)
    }

    @Test func aMissingPromptNamesTheSharedFolderAndABadLanguageIsRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        let cache = PromptCache(folder: dir.path)
        #expect(throws: AudioFileError.promptNotFound(id: "nope", folder: dir.path, extensions: PromptLoader.extensions)) {
            try cache.encoded(prompt: "nope", language: "es", settings: settings)
        }
        #expect(throws: AudioFileError.invalidPromptID(id: "../x/nope")) {
            try cache.encoded(prompt: "nope", language: "../x", settings: settings)
        }
    }
}
