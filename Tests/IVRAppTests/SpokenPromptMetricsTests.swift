import Audio
import Foundation
@testable import IVRApp
import Synthesis
import Testing

/// The spoken-prompt cache's hits and misses reach `/metrics` as ivr_spoken_prompt_cache_{hits,misses}_total.
@Suite struct SpokenPromptMetricsTests {
    @Test func hitsAndMissesAreCounted() throws {
        let metrics = IVRMetrics()
        #expect(metrics.exposition().contains("ivr_spoken_prompt_cache_hits_total 0"))
        let cache = SpokenPromptCache(renderer: SpeechSynthesizer.shared, onLookup: { hit in metrics.spokenPromptLookup(hit: hit) })
        let settings = SpeechPrerender.whatsAppSettings
        _ = try cache.encoded(text: "Your code is four two.", voice: "rms", language: "en-us", settings: settings)
        _ = try cache.encoded(text: "Your code is four two.", voice: "rms", language: "en-us", settings: settings)
        _ = try cache.encoded(text: "Your code is four two.", voice: "rms", language: "en-us", settings: settings)
        _ = try cache.encoded(text: "Su código es cuatro dos.", voice: "espeak", language: "es", settings: settings)
        let text = metrics.exposition()
        #expect(text.contains("ivr_spoken_prompt_cache_hits_total 2"))
        #expect(text.contains("ivr_spoken_prompt_cache_misses_total 2"))
    }
}
