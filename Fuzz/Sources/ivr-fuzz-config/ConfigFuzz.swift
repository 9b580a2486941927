import FuzzSupport
import IVRApp

/// The daemon's YAML configuration (`--config`), as `ivrd serve` reads it before anything starts.
///
/// Input: the file's text (bytes decoded as UTF-8 with replacement). Invariants: a mistake is a `ConfigError`
/// naming the source and, when it has a line, one inside the file; the message is never empty.
enum ConfigFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var config = IVRConfig()
        do {
            try ConfigLoader.apply(yaml: text, source: "fuzz.yaml", to: &config)
        } catch let error as ConfigError {
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
            require(error.source == "fuzz.yaml", "config error names source '\(error.source)'")
            require(error.line.map { $0 >= 1 && $0 <= lines + 1 } ?? true,
                    "config error at line \(error.line ?? 0) of a \(lines)-line file: \(error)")
            require(!error.message.isEmpty, "config error without a message")
        } catch {
            require(false, "config loading threw something other than ConfigError: \(error)")
        }
    }
}
