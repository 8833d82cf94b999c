import Foundation
public import Logging
public import ServiceLifecycle
import StrataCrypto
public import StrataProtocol
import StrataTransport
import Synchronization

/// One service process: data-folder lock, Ed25519 identity (created 0600 on first start, reused on
/// restart), SQLite database with its migrations, a request endpoint answering `health.get`,
/// `diag.echo` and the blueprint's requests, a signed `node.heartbeat` every interval, and the
/// blueprint's work. `open` does everything that can fail on bad configuration, so a service that
/// cannot start says why before it runs; `run` serves until graceful shutdown, then publishes a
/// `stopping` heartbeat and closes sockets with linger.
public final class ServiceRuntime: Service {
    public static let version = "0.1.0"

    public let context: ServiceContext
    public let blueprint: ServiceBlueprint
    public let requestStats = EndpointStats()
    private let lock: DataDirLock
    private let started = ContinuousClock.now
    private let boundEndpoint = Mutex<String?>(nil)
    /// Set once the request endpoint is bound (the real port for `:*`).
    public var requestEndpoint: String? { boundEndpoint.withLock { $0 } }
    /// True when this start created the identity key.
    public let createdIdentity: Bool

    public static func open(_ configuration: ServiceConfiguration, blueprint: ServiceBlueprint, logger: Logger) throws -> ServiceRuntime {
        try configuration.validate()
        let lock = try DataDirLock(folder: configuration.dataDir)
        let key: SigningKey, created: Bool
        do {
            (key, created) = try KeyFile.loadOrCreate(at: "\(configuration.dataDir)/identity.key")
        } catch {
            throw ServiceError(.identity, "cannot load or create the identity key in \(configuration.dataDir): \(error)")
        }
        let database = try ServiceDatabase(path: "\(configuration.dataDir)/\(configuration.kind.rawValue).sqlite",
                                           migrations: blueprint.migrations)
        try database.recordStart(ServiceStart(startedAtMs: WallClock.nowMillis(), version: version, identity: key.publicKey.hex))
        let signer = EnvelopeSigner(key: key)
        var logger = logger
        logger[metadataKey: "service"] = "\(configuration.instance)"
        logger[metadataKey: "identity"] = "\(key.publicKey.shortID)"
        let bus = try BusPublisher(frontend: configuration.busFrontend, signer: signer)
        let context = ServiceContext(configuration: configuration, signer: signer, database: database, bus: bus,
                                     logger: logger, inbound: EndpointStats())
        try blueprint.prepare(context)
        return ServiceRuntime(context: context, blueprint: blueprint, lock: lock, createdIdentity: created)
    }

    private init(context: ServiceContext, blueprint: ServiceBlueprint, lock: DataDirLock, createdIdentity: Bool) {
        self.context = context
        self.blueprint = blueprint
        self.lock = lock
        self.createdIdentity = createdIdentity
    }

    public func run() async throws {
        defer { lock.release() }
        let configuration = context.configuration
        let logger = context.logger
        let policy = InboundPolicy(knownSenders: try TrustedKeys.load(configuration.trustedKeysDir))
        let handlers = blueprint.handlers(context).serving(HealthGet.self) { [self] _, _ in self.health(status: .ok) }
        let endpoint = try RequestEndpoint(bind: configuration.requests, signer: context.signer, handlers: handlers,
                                           policy: policy, stats: requestStats)
        defer { endpoint.close(lingerMillis: 500) }
        boundEndpoint.withLock { $0 = endpoint.endpoint }
        if let file = configuration.endpointsFile {
            try EndpointsFile.write(["requests": endpoint.endpoint, "service": configuration.kind.rawValue,
                                     "instance": configuration.instance, "identity": context.identity.hex,
                                     "pid": "\(ProcessInfo.processInfo.processIdentifier)"], to: file)
        }
        logger.notice("\(configuration.kind.rawValue) up", metadata: [
            "requests": "\(endpoint.endpoint)", "bus": "\(configuration.busFrontend)",
            "starts": "\((try? context.database.starts().count) ?? 0)", "new-identity": "\(createdIdentity)",
        ])
        let work = blueprint.work.map { work in Task { [context] in try await work(context) } }
        if configuration.heartbeatMillis > 0 {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                beat(.ok)
                // Woken at once by a graceful shutdown, so SIGTERM is answered without waiting out the interval.
                let interval = configuration.heartbeatMillis
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(interval)) }
            }
        } else {
            try? await gracefulShutdown()
        }
        work?.cancel()
        _ = await work?.result
        beat(.stopping)
        context.bus.close()
        logger.notice("\(configuration.kind.rawValue) stopping", metadata: [
            "received": "\(requestStats.received.value + context.inbound.received.value)",
            "published": "\(context.bus.published.value)",
        ])
    }

    private func beat(_ status: NodeHeartbeat.Status) {
        let body = NodeHeartbeat(service: context.configuration.kind, uptimeMs: uptimeMillis, status: status,
                                 instance: context.configuration.instance, devices: blueprint.devices(context))
        do {
            try context.bus.publish(body, topic: body.topic)
        } catch {
            context.logger.error("cannot seal a heartbeat: \(error)")
        }
    }

    var uptimeMillis: Int64 {
        let parts = started.duration(to: .now).components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    /// The `health.get.ok` report.
    public func health(status: NodeHeartbeat.Status) -> HealthGetOK {
        var rejected: [String: Int64] = [:]
        for table in [requestStats.rejected.snapshot, context.inbound.rejected.snapshot] {
            for (code, count) in table { rejected[code.rawValue, default: 0] += Int64(count) }
        }
        return HealthGetOK(service: context.configuration.kind, instance: context.configuration.instance, status: status,
                           version: Self.version, uptimeMs: uptimeMillis, identity: context.identity.hex,
                           dbBytes: context.database.sizeBytes,
                           received: Int64(requestStats.received.value + context.inbound.received.value),
                           rejected: rejected, published: Int64(context.bus.published.value),
                           devices: blueprint.devices(context))
    }
}
