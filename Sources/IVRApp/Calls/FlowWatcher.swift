import Flow
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Hot reload: re-reads `Flows/` when a file changes (polled) or on SIGHUP, and logs every
/// problem with file and line. Calls in progress keep the flow version they started with.
public struct FlowWatcher: Service {
    let catalog: FlowCatalog
    let logger: Logger
    let interval: Duration

    public init(catalog: FlowCatalog, logger: Logger, interval: Duration = .seconds(2)) {
        self.catalog = catalog
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        // Cancellation on graceful shutdown is the normal way out, not an error.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        reload(because: "SIGHUP")
                    }
                }
                group.addTask {
                    var last = signature()
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        let now = signature()
                        if now != last {
                            last = now
                            reload(because: "a flow file changed")
                        }
                    }
                }
            }
        }
    }

    func reload(because reason: String) {
        let diagnostics = catalog.reload()
        FlowWatcher.log(diagnostics, to: logger)
        logger.info("flows reloaded", metadata: [
            "reason": "\(reason)", "flows": "\(catalog.flowNames.joined(separator: ","))",
            "default_flow": "\(catalog.defaultFlowName ?? "-")",
        ])
    }

    /// Names, sizes and modification times of the flow files: cheap to compare every few seconds.
    func signature() -> [String] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: catalog.directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            let attrs = try? fm.attributesOfItem(atPath: (catalog.directory as NSString).appendingPathComponent(name))
            let size = (attrs?[.size] as? NSNumber)?.intValue ?? -1
            let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name)|\(size)|\(mtime)"
        }
    }

    /// One log line per diagnostic, the message in `file:line: step 'x': …` form.
    public static func log(_ diagnostics: [Diagnostic], to logger: Logger) {
        for d in diagnostics {
            switch d.severity {
            case .error: logger.error("flow problem", metadata: ["diagnostic": "\(d.description)"])
            case .warning: logger.warning("flow warning", metadata: ["diagnostic": "\(d.description)"])
            }
        }
    }
}
