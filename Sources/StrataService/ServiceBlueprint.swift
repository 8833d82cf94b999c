public import GRDB
public import StrataProtocol

/// What makes one kind of service different from another: its migrations, the requests it serves,
/// what it prepares on start and the work it does while it runs. Everything else — lock, identity,
/// database, request endpoint, health, heartbeats, shutdown — is `ServiceRuntime`'s.
public struct ServiceBlueprint: Sendable {
    public var kind: ServiceName
    public var migrations: @Sendable (inout DatabaseMigrator) -> Void = { _ in }
    /// Requests beyond `health.get` and `diag.echo`.
    public var handlers: @Sendable (ServiceContext) -> RequestHandlers = { _ in RequestHandlers() }
    /// Runs once after the database is open, before the endpoint binds (e.g. create device keys).
    public var prepare: @Sendable (ServiceContext) throws -> Void = { _ in }
    /// Long-running work; cancelled at shutdown.
    public var work: (@Sendable (ServiceContext) async throws -> Void)?
    /// The number of devices the service runs (the swarm), reported in heartbeats and health.
    public var devices: @Sendable (ServiceContext) -> Int64? = { _ in nil }

    public init(kind: ServiceName) { self.kind = kind }
}
