import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StrataProtocol
import StrataService

/// The options every service command shares (docs/configuration.md lists them with their
/// `STRATA_*` variables), and the launch every service command ends in.
struct ServiceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("This instance's name, e.g. mec-2 (env STRATA_INSTANCE).", valueName: "name"))
    var instance: String?

    @Option(help: ArgumentHelp("ROUTER endpoint for requests (env STRATA_REQUESTS; default: the service's port, SPEC §4).", valueName: "endpoint"))
    var requests: String?

    @Option(help: ArgumentHelp("The bus frontend (XSUB) to publish to (env STRATA_BUS_FRONTEND).", valueName: "endpoint"))
    var busFrontend: String = environment("STRATA_BUS_FRONTEND") ?? "tcp://127.0.0.1:7400"

    @Option(help: ArgumentHelp("The bus backend (XPUB) to subscribe to (env STRATA_BUS_BACKEND).", valueName: "endpoint"))
    var busBackend: String = environment("STRATA_BUS_BACKEND") ?? "tcp://127.0.0.1:7401"

    @Option(help: "Milliseconds between signed heartbeats (env STRATA_HEARTBEAT_MS; 0: none).")
    var heartbeatMs: Int = environment("STRATA_HEARTBEAT_MS").flatMap(Int.init) ?? 1_000

    @Option(help: ArgumentHelp("Write the bound endpoints as JSON to this file once up.", valueName: "file"))
    var endpointsFile: String?

    @Option(help: ArgumentHelp("Folder of trusted public keys (*.pub); others get unknown_sender (env STRATA_TRUSTED_KEYS).", valueName: "dir"))
    var trustedKeys: String?

    @OptionGroup var data: DataDirOption
    @OptionGroup var logging: LoggingOptions

    static let discussion = """
        Runs until SIGTERM or Ctrl-C, then publishes a last `stopping` heartbeat and closes its sockets
        and database. Its folder (--data-dir) holds its Ed25519 key (0600, created on first start) and
        its SQLite file; a second process on the same folder is refused. Answers health.get and
        diag.echo on its request endpoint; publishes node.heartbeat.<service> every --heartbeat-ms.
        """

    /// Default request ports of SPEC §4.
    static func defaultPort(_ kind: ServiceName, index: Int) -> Int {
        switch kind {
        case .bus: 7402
        case .publisher: 7410
        case .coordinator: 7411
        case .swarm: 7412
        case .reputation: 7413
        case .archiver: 7414
        case .mec: 7420 + index
        }
    }

    func configuration(_ kind: ServiceName, index: Int = 0) -> ServiceConfiguration {
        let name = instance ?? environment("STRATA_INSTANCE") ?? "\(kind.rawValue)-\(index)"
        let endpoint = requests ?? environment("STRATA_REQUESTS") ?? "tcp://127.0.0.1:\(Self.defaultPort(kind, index: index))"
        var config = ServiceConfiguration(kind: kind, instance: name, dataDir: data.resolved(service: name),
                                          requests: endpoint, busFrontend: busFrontend, busBackend: busBackend)
        config.heartbeatMillis = heartbeatMs
        config.endpointsFile = endpointsFile
        config.trustedKeysDir = trustedKeys ?? environment("STRATA_TRUSTED_KEYS")
        return config
    }

    /// Opens the service (refusing a bad configuration with a clear message and exit 1), then runs
    /// it in a ServiceGroup until SIGTERM/SIGINT.
    func launch(_ configuration: ServiceConfiguration, blueprint: ServiceBlueprint) async throws {
        let logger = logging.bootstrap(label: "strata.\(configuration.kind.rawValue)")
        let runtime: ServiceRuntime
        do {
            runtime = try ServiceRuntime.open(configuration, blueprint: blueprint, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("strata \(configuration.kind.rawValue): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let group = ServiceGroup(services: [runtime], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
