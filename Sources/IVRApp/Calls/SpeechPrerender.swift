import Audio
import Flow
import Logging

/// Renders every static `say:` text of the loaded flows into the spoken-prompt cache, off the call path,
/// so the first call that says it finds it encoded (texts filled in per call are rendered per call).
enum SpeechPrerender {
    /// The encoder settings WhatsApp's offers lead to (wideband, 20 kbit/s, in-band FEC): the key calls look up.
    static let whatsAppSettings = OpusEncoderSettings(fmtp: ["maxplaybackrate": "16000", "maxaveragebitrate": "20000",
                                                             "useinbandfec": "1"])

    static func start(catalog: FlowCatalog, spoken: SpokenPromptCache, logger: Logger) {
        let flows = catalog.flowNames.compactMap { catalog.flow(named: $0) }
        Task.detached(priority: .utility) {
            var rendered = 0
            for flow in flows {
                for s in flow.staticSpeech {
                    do {
                        try spoken.preload(text: s.text, voice: s.voice, language: s.language, settings: whatsAppSettings)
                        rendered += 1
                    } catch {
                        logger.error("say: cannot render", metadata: ["flow": "\(flow.name)", "step": "\(s.step)", "error": "\(error)"])
                    }
                }
            }
            logger.info("say: texts rendered", metadata: ["count": "\(rendered)"])
        }
    }
}
