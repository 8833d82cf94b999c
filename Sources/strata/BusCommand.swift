import ArgumentParser
import Logging
import ServiceLifecycle
import StrataBus
import StrataProtocol

/// `strata bus`: the event bus (XSUB/XPUB forwarder) as a long-running service.
struct BusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Run the event bus: publishers connect to the frontend, subscribers to the backend.",
        discussion: """
            Forwards every frame unchanged (proto-schemas/SPEC.md §4) and publishes its own signed
            node.heartbeat.bus every second. Stops cleanly on SIGTERM or Ctrl-C.
            Environment: STRATA_BUS_FRONTEND, STRATA_BUS_BACKEND, STRATA_BUS_REQUESTS, STRATA_DATA_DIR.
            """
    )

    @Option(help: "XSUB endpoint publishers connect to; tcp://HOST:* picks a free port.")
    var frontend: String = environment("STRATA_BUS_FRONTEND") ?? "tcp://127.0.0.1:7400"

    @Option(help: "XPUB endpoint subscribers connect to.")
    var backend: String = environment("STRATA_BUS_BACKEND") ?? "tcp://127.0.0.1:7401"

    @Option(help: "ROUTER endpoint that answers diag.echo requests.")
    var requests: String = environment("STRATA_BUS_REQUESTS") ?? "tcp://127.0.0.1:7402"

    @Option(help: "Milliseconds between the bus's own heartbeats (0: none).")
    var heartbeatMs: Int = 1_000

    @Option(help: ArgumentHelp("Write the bound endpoints as JSON to this file once up.", valueName: "file"))
    var endpointsFile: String?

    @OptionGroup var data: DataDirOption
    @OptionGroup var logging: LoggingOptions

    var busConfiguration: BusConfiguration {
        var config = BusConfiguration()
        config.frontend = frontend
        config.backend = backend
        config.requests = requests
        config.heartbeatMillis = heartbeatMs
        config.endpointsFile = endpointsFile
        return config
    }

    func validate() throws {
        do {
            try busConfiguration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let config = busConfiguration
        var logger = logging.bootstrap(label: "strata.bus")
        let identity = try data.identity(service: "bus")
        logger[metadataKey: "service"] = "bus"
        logger[metadataKey: "identity"] = "\(identity.key.publicKey.shortID)"
        if identity.created { logger.notice("created a new identity", metadata: ["key": "\(identity.path)"]) }
        let service = BusService(configuration: config, signer: EnvelopeSigner(key: identity.key), logger: logger)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
