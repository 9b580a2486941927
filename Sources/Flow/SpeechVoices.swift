/// The voices a `say:` text can be spoken with, and the languages each speaks. Two offline engines
/// (Debian packages, linked by the Synthesis module): Flite's four US English voices, and eSpeak NG,
/// which speaks about a hundred languages less naturally. The Flow module only names them, so
/// `ivrd validate` can check a flow without loading an engine; Tests/SynthesisTests checks that the
/// lists agree with the engines.
public enum SpeechVoices {
    /// Flite voices (`flite1-dev`); `rms` is understood best by our recognizer (Tests/SynthesisTests/VoiceQualityTests).
    public static let flite = ["rms", "slt", "awb", "kal"]
    public static let fliteLanguages = ["en-us", "en"]
    /// eSpeak NG (`libespeak-ng1`): the voice is picked by the language.
    public static let espeak = "espeak"
    /// The language tags eSpeak NG 1.51 has voices for (`espeak-ng --voices`), lowercased.
    public static let espeakLanguages: [String] = [
        "af", "am", "an", "ar", "as", "az", "ba", "be", "bg", "bn", "bpy", "bs", "ca", "chr-us-qaaa-x-west", "cmn",
        "cmn-latn-pinyin", "cs", "cv", "cy", "da", "de", "el", "en-029", "en-gb", "en-gb-scotland", "en-gb-x-gbclan",
        "en-gb-x-gbcwmd", "en-gb-x-rp", "en-us", "en-us-nyc", "eo", "es", "es-419", "et", "eu", "fa", "fa-latn", "fi",
        "fr-be", "fr-ch", "fr-fr", "ga", "gd", "gn", "grc", "gu", "hak", "haw", "he", "hi", "hr", "ht", "hu", "hy",
        "hyw", "ia", "id", "io", "is", "it", "ja", "jbo", "ka", "kk", "kl", "kn", "ko", "kok", "ku", "ky", "la", "lb",
        "lfn", "lt", "ltg", "lv", "mi", "mk", "ml", "mr", "ms", "mt", "my", "nb", "nci", "ne", "nl", "nog", "om", "or",
        "pa", "pap", "piqd", "pl", "pt", "pt-br", "py", "qdb", "qu", "quc", "qya", "ro", "ru", "ru-lv", "sd", "shn",
        "si", "sjn", "sk", "sl", "smj", "sq", "sr", "sv", "sw", "ta", "te", "th", "tk", "tn", "tr", "tt", "ug", "uk",
        "ur", "uz", "vi", "vi-vn-x-central", "vi-vn-x-south", "yue",
    ]

    public static var all: [String] { flite + [espeak] }

    public static func isKnown(_ voice: String) -> Bool { all.contains(voice) }

    /// The eSpeak NG language for a flow language: itself when eSpeak has it (`pt-br`), else its base
    /// (`es-mx` → `es`; `fr` → `fr-fr`), else nil.
    public static func espeakLanguage(for language: String) -> String? {
        let tag = language.lowercased()
        if espeakLanguages.contains(tag) { return tag }
        guard let base = tag.split(separator: "-").first.map(String.init) else { return nil }
        if espeakLanguages.contains(base) { return base }
        return espeakLanguages.first { $0.hasPrefix(base + "-") }
    }

    /// True when `voice` can speak `language`.
    public static func speaks(voice: String, language: String) -> Bool {
        if flite.contains(voice) { return fliteLanguages.contains(language.lowercased()) }
        if voice == espeak { return espeakLanguage(for: language) != nil }
        return false
    }

    /// English (`en`, `en-us`) is spoken by Flite's `rms` (clearer); every other language by eSpeak NG.
    public static func defaultVoice(for language: String) -> String {
        fliteLanguages.contains(language.lowercased()) ? "rms" : espeak
    }

    /// What `voice` speaks, for error messages.
    static func languages(of voice: String) -> String {
        flite.contains(voice) ? fliteLanguages.joined(separator: ", ") : "about a hundred languages (espeak-ng --voices)"
    }
}
