import ArgumentParser
import Foundation
import IVRApp
import Logging

@main
struct IVRD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivrd",
        abstract: "IVR server for the WhatsApp Business Calling API.",
        subcommands: [Serve.self, Validate.self, Simulate.self, Graph.self, Calls.self, Call.self, Campaign.self, Probe.self, Prompts.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: webhooks, call handling, /healthz and /metrics.",
        discussion: "Environment variables (IVR_APP_SECRET, IVR_HTTP_PORT, …) override the config file."
    )

    @Option(name: .long, help: "Path to the YAML config file (see Deploy/ivr.example.yaml).")
    var config: String?

    @Option(name: .long, help: "Log format: text or json (overrides log.format and IVR_LOG_FORMAT).")
    var logFormat: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        var cfg: IVRConfig
        do {
            cfg = try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
            if let logFormat {
                guard let f = IVRConfig.LogFormat(rawValue: logFormat) else {
                    throw ConfigError(source: "--log-format", message: "expected 'text' or 'json', got '\(logFormat)'")
                }
                cfg.logFormat = f
            }
            if let logLevel { try ConfigLoader.apply(environment: ["IVR_LOG_LEVEL": logLevel], to: &cfg) }
        } catch let error as ConfigError {
            throw ValidationError("configuration error: \(error)")
        }
        // Before anything starts NIO's shared event loops: one loop per CPU this process may use.
        let loops = CPUAffinity.sizeEventLoops()
        LogSetup.bootstrap(format: cfg.logFormat, level: cfg.logLevel)
        let logger = Logger(label: "ivrd")
        logger.debug("event loops", metadata: ["count": "\(loops)"])
        let server: IVRServer
        do {
            server = try IVRServer(config: cfg, logger: logger, hurryOnSecondSignal: true)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        try await server.run()
    }
}
