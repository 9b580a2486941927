import Logging

/// One JSON object per line: `ts`, `level`, `label`, `msg`, then the metadata fields (`JSONLine`).
/// Meant for log shippers; the text format is `TextLogHandler`. Lines go through `LogWriter`:
/// a failed write (EPIPE, ENOSPC) drops the line and counts it, it never stops the daemon.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable (String) -> Void

    public init(label: String, sink: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
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
        sink(JSONLine.render(timestamp: LogTimestamp.now(fractional: true), level: level.rawValue, label: label,
                             message: message.description, metadata: merged))
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        LogWriter.standardError.write(line: line)
    }
}
