import Foundation
import GRDB
import Logging
import ServiceLifecycle
import StrataArchiver
import StrataCrypto
import StrataProtocol
import StrataService
import StrataSwarm
import StrataTransport
import Testing

/// The shared service runtime, in process, on real sockets and real SQLite files.
@Suite(.timeLimit(.minutes(1)))
struct ServiceRuntimeTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-svc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func configuration(_ kind: ServiceName, dataDir: String, bus: (String, String) = ("tcp://127.0.0.1:9", "tcp://127.0.0.1:9")) -> ServiceConfiguration {
        var config = ServiceConfiguration(kind: kind, instance: "\(kind.rawValue)-0", dataDir: dataDir, requests: "tcp://127.0.0.1:*",
                                          busFrontend: bus.0, busBackend: bus.1)
        config.heartbeatMillis = 100
        return config
    }

    /// Runs `runtime` in a ServiceGroup for the duration of `body`, then shuts it down gracefully.
    func running<T>(_ runtime: ServiceRuntime, _ body: (String) async throws -> T) async throws -> T {
        let group = ServiceGroup(services: [runtime], logger: Logger(label: "test"))
        let task = Task { try await group.run() }
        var endpoint: String?
        for _ in 0..<500 where endpoint == nil {
            endpoint = runtime.requestEndpoint
            if endpoint == nil { try await Task.sleep(for: .milliseconds(5)) }
        }
        let result = try await body(try #require(endpoint))
        await group.triggerGracefulShutdown()
        try await task.value
        return result
    }

    @Test("first start creates a 0600 identity and the database; a restart reuses both and records the start")
    func identityAndRestart() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = configuration(.swarm, dataDir: dir)
        // The first process: its runtime (and with it the folder lock) is gone after this block.
        let (identity, devicesBefore) = try await {
            let first = try ServiceRuntime.open(config, blueprint: SwarmService.blueprint(devices: 3), logger: Logger(label: "test"))
            #expect(first.createdIdentity)
            let report = try await running(first) { endpoint in try await HealthProbe().query(endpoint) }
            #expect(report.identity == first.context.identity.hex && report.service == .swarm && report.instance == "swarm-0")
            #expect(report.devices == 3 && report.dbBytes > 0 && report.version == ServiceRuntime.version)
            return (first.context.identity, try SwarmService.devices(in: first.context.database).map(\.publicKey))
        }()
        let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/identity.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let databaseMode = try FileManager.default.attributesOfItem(atPath: "\(dir)/swarm.sqlite")[.posixPermissions] as? Int
        #expect(databaseMode == 0o600, "the swarm's file holds device keys")

        let second = try ServiceRuntime.open(config, blueprint: SwarmService.blueprint(devices: 5), logger: Logger(label: "test"))
        #expect(!second.createdIdentity && second.context.identity == identity)
        let devicesAfter = try SwarmService.devices(in: second.context.database).map(\.publicKey)
        #expect(devicesAfter.count == 5 && Array(devicesAfter.prefix(3)) == devicesBefore, "devices are kept; two are added")
        #expect(try second.context.database.starts().count == 2)
    }

    @Test("a second service on the same data folder refuses to start and leaves the first intact")
    func dataFolderLock() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try ServiceRuntime.open(configuration(.publisher, dataDir: dir), blueprint: ServiceBlueprint(kind: .publisher),
                                            logger: Logger(label: "test"))
        #expect {
            _ = try ServiceRuntime.open(configuration(.publisher, dataDir: dir), blueprint: ServiceBlueprint(kind: .publisher),
                                        logger: Logger(label: "test"))
        } throws: { error in
            let service = error as? ServiceError
            return service?.code == .dataDirInUse && service?.message.contains("in use by another process") == true
        }
        #expect(try first.context.database.starts().count == 1, "the refused start wrote nothing")
    }

    @Test("a bad configuration is refused with a message naming the field")
    func badConfiguration() throws {
        var config = configuration(.mec, dataDir: "/tmp/unused")
        config.instance = "MEC 1"
        #expect { try config.validate() } throws: { "\($0)".contains("instance \"MEC 1\"") }
        config.instance = "mec-1"
        config.requests = "http://x"
        #expect { try config.validate() } throws: { "\($0)".contains("requests \"http://x\" is not a ZeroMQ endpoint") }
        config.requests = "tcp://127.0.0.1:*"
        config.trustedKeysDir = "/nonexistent/keys"
        #expect(throws: ServiceError.self) { try TrustedKeys.load(config.trustedKeysDir) }
    }

    @Test("the archiver stores every verified bus event and no row for a forged or malformed one")
    func archiverStoresOnlyVerifiedEvents() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let forwarder = try Forwarder(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        defer { forwarder.close(lingerMillis: 0) }
        let config = configuration(.archiver, dataDir: dir, bus: (forwarder.frontend, forwarder.backend))
        let runtime = try ServiceRuntime.open(config, blueprint: ArchiverService.blueprint, logger: Logger(label: "test"))
        let database = runtime.context.database
        let key = try SigningKey()
        let signer = EnvelopeSigner(key: key)
        try await running(runtime) { _ in
            let publisher = try Publisher(endpoint: forwarder.frontend)
            defer { publisher.close() }
            // Until the archiver's subscription is through, resend; then the genuine note lands once.
            for n in 0..<300 {
                var forged = try signer.seal(DiagNote(n: Int64(n), text: "forged")).envelope
                forged.sig = Hex.encode(try SigningKey().sign(forged.canonicalBytes()))
                publisher.publish(topic: "diag.note", payload: forged.wireBytes())
                publisher.publish(topic: "diag.note", payload: Array("{not json".utf8))
                publisher.publish(topic: "diag.note", payload: try signer.seal(DiagNote(n: Int64(n), text: "genuine")).wire)
                try await Task.sleep(for: .milliseconds(10))
                if try ArchiverService.events(in: database, type: "diag.note").count > 0 { break }
            }
            // The genuine note may have been the first through the joining gap; send the bad ones until
            // both kinds have been counted.
            let inbound = runtime.context.inbound
            for _ in 0..<300 {
                let counted = inbound.rejected.snapshot
                if (counted[.badSignature] ?? 0) >= 1 && (counted[.malformed] ?? 0) >= 1 { break }
                var forged = try signer.seal(DiagNote(n: 1_000, text: "forged")).envelope
                forged.sig = Hex.encode(try SigningKey().sign(forged.canonicalBytes()))
                publisher.publish(topic: "diag.note", payload: forged.wireBytes())
                publisher.publish(topic: "diag.note", payload: Array("{not json".utf8))
                try await Task.sleep(for: .milliseconds(10))
            }
            // Its own heartbeats travel the same way; under load the first ones may be lost (SPEC §16).
            let identity = runtime.context.identity.hex
            for _ in 0..<500 {
                if try ArchiverService.events(in: database, type: "node.heartbeat").contains(where: { $0.sender == identity }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let notes = try ArchiverService.events(in: database, type: "diag.note")
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.sender == key.publicKey.hex && $0.envelope.contains("genuine") })
        let rejected = runtime.context.inbound.rejected.snapshot
        #expect((rejected[.badSignature] ?? 0) >= 1 && (rejected[.malformed] ?? 0) >= 1)
        // Its own heartbeats went through the bus and were archived too.
        #expect(try ArchiverService.events(in: database, type: "node.heartbeat").contains { $0.sender == runtime.context.identity.hex })
    }

    @Test("the production migrator runs on a fresh file and again on the same file without changes")
    func migrations() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/test.sqlite"
        let blueprint = ArchiverService.blueprint
        _ = try ServiceDatabase(path: path, migrations: blueprint.migrations)
        let again = try ServiceDatabase(path: path, migrations: blueprint.migrations)
        let tables = try again.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
        }
        #expect(tables == ["event", "service_start"])
        let mode = try again.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }
}
