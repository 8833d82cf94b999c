public import Logging
public import ServiceLifecycle
import StrataCrypto
public import StrataProtocol
public import StrataService
import StrataTransport

/// Configuration of `strata bus` (flags and `STRATA_BUS_*` variables map onto it; docs/configuration.md).
public struct BusConfiguration: Sendable {
    /// XSUB side: publishers connect here.
    public var frontend = "tcp://127.0.0.1:7400"
    /// XPUB side: subscribers connect here.
    public var backend = "tcp://127.0.0.1:7401"
    /// ROUTER request endpoint (serves `diag.echo`; SPEC §4).
    public var requests = "tcp://127.0.0.1:7402"
    /// How often the bus publishes its own signed `node.heartbeat.bus` (0 turns it off).
    public var heartbeatMillis = 1_000
    /// Where the bound endpoints are written as JSON once both sides are up (for `:*` ports).
    public var endpointsFile: String?

    public init() {}

    public func validate() throws(BusError) {
        for (name, endpoint) in [("frontend", frontend), ("backend", backend), ("requests", requests)] where !EndpointSyntax.isValid(endpoint) {
            throw BusError("\(name) \"\(endpoint)\" is not a ZeroMQ endpoint (tcp://HOST:PORT, tcp://HOST:*, ipc://PATH)")
        }
        guard frontend != backend || frontend.hasSuffix(":*") else { throw BusError("frontend and backend must differ (both are \(frontend))") }
        guard heartbeatMillis >= 0 else { throw BusError("heartbeat interval must be 0 (off) or positive, got \(heartbeatMillis)") }
    }
}

/// A configuration or start-up problem, said plainly.
public struct BusError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The event bus as a long-running service: the XSUB/XPUB forwarder plus the bus's own heartbeat.
/// It forwards frames unchanged and never parses them (SPEC §4); stopping closes both sides.
public struct BusService: Service {
    public static let version = "0.1.0"
    public let configuration: BusConfiguration
    public let signer: EnvelopeSigner
    public let logger: Logger
    /// Counters of the request endpoint (shared with tests and health reports).
    public let requestStats: EndpointStats

    public init(configuration: BusConfiguration, signer: EnvelopeSigner, logger: Logger) {
        self.configuration = configuration
        self.signer = signer
        self.logger = logger
        self.requestStats = EndpointStats()
    }

    public func run() async throws {
        try configuration.validate()
        let forwarder = try Forwarder(frontend: configuration.frontend, backend: configuration.backend)
        defer { forwarder.close() }
        let started = ContinuousClock.now
        let published = Counter()
        @Sendable func uptimeMillis() -> Int64 {
            let uptime = started.duration(to: .now).components
            return uptime.seconds * 1000 + uptime.attoseconds / 1_000_000_000_000_000
        }
        let (signer, stats) = (self.signer, self.requestStats)
        let handlers = RequestHandlers().serving(HealthGet.self) { _, _ in
            var rejected: [String: Int64] = [:]
            for (code, count) in stats.rejected.snapshot { rejected[code.rawValue] = Int64(count) }
            return HealthGetOK(service: .bus, instance: "bus", status: .ok, version: BusService.version, uptimeMs: uptimeMillis(),
                               identity: signer.sender.hex, dbBytes: 0, received: Int64(stats.received.value),
                               rejected: rejected, published: Int64(published.value))
        }
        let requests = try RequestEndpoint(bind: configuration.requests, signer: signer, handlers: handlers, stats: requestStats)
        defer { requests.close() }
        logger.info("bus up", metadata: ["frontend": "\(forwarder.frontend)", "backend": "\(forwarder.backend)",
                                        "requests": "\(requests.endpoint)", "identity": "\(signer.sender.shortID)"])
        if let path = configuration.endpointsFile {
            try EndpointsFile.write(["frontend": forwarder.frontend, "backend": forwarder.backend,
                                     "requests": requests.endpoint], to: path)
        }
        let heartbeats = try Publisher(endpoint: forwarder.frontend)
        defer { heartbeats.close() }
        func beat(_ status: NodeHeartbeat.Status) {
            let body = NodeHeartbeat(service: .bus, uptimeMs: uptimeMillis(), status: status, instance: "bus")
            if let sealed = try? signer.seal(body) {
                heartbeats.publish(topic: body.topic, payload: sealed.wire)
                published.increment()
            }
        }
        if configuration.heartbeatMillis > 0 {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                beat(.ok)
                // Woken at once by a graceful shutdown, so SIGTERM is answered without waiting out the interval.
                let interval = configuration.heartbeatMillis
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(interval)) }
            }
            beat(.stopping)
        } else {
            try? await gracefulShutdown()
        }
        logger.info("bus stopping", metadata: ["forwarded": "\(forwarder.forwarded.value)", "dropped": "\(forwarder.dropped.value)"])
    }
}
