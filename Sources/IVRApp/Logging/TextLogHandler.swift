import Logging

/// The text log format, one line per entry — `2026-12-05T09:00:00Z info ivr.calls : call_id=x [IVRApp] message` —
/// as swift-log's `StreamLogHandler` prints it, but written through `LogWriter`, so a closed or
/// full standard error never stops the daemon and every dropped line is counted.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable (String) -> Void

    public init(label: String, sink: @escaping @Sendable (String) -> Void = { LogWriter.standardError.write(line: $0) }) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var merged = self.metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit { merged.merge(explicit) { _, new in new } }
        let pretty = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: " ")
        sink("\(LogTimestamp.now(fractional: false)) \(level) \(label) :\(pretty) [\(source)] \(message)")
    }
}
