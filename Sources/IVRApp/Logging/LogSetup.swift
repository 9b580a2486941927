import Logging

/// Installs the process-wide log handler once (`--log-format text|json`, `log.level`).
public enum LogSetup {
    public static func bootstrap(format: IVRConfig.LogFormat, level: String) {
        LogWriter.ignoreBrokenPipes()
        let lvl = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                var h = JSONLogHandler(label: label)
                h.logLevel = lvl
                return h
            case .text:
                var h = TextLogHandler(label: label)
                h.logLevel = lvl
                return h
            }
        }
    }
}
