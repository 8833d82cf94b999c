public import Foundation
public import GRDB
public import StrataCrypto
public import StrataService

/// The device swarm: one process that runs many devices, each with its own Ed25519 identity kept in
/// the swarm's SQLite file (mode 0600). Devices are created on first start and reused on restart;
/// asking for more adds devices, asking for fewer keeps the extra ones stored but idle. Training,
/// D2D gossip and LMUC votes arrive with the workflow issue.
public enum SwarmService {
    public static func blueprint(devices: Int) -> ServiceBlueprint {
        var blueprint = ServiceBlueprint(kind: .swarm)
        blueprint.migrations = { migrator in
            migrator.registerMigration("v1-swarm-devices") { db in
                try db.create(table: "device") { table in
                    table.primaryKey("deviceIndex", .integer)
                    table.column("publicKey", .text).notNull().unique()
                    table.column("seed", .blob).notNull()
                    table.column("createdAtMs", .integer).notNull()
                }
            }
        }
        blueprint.prepare = { context in
            let created = try ensureDevices(devices, in: context.database)
            if created > 0 { context.logger.notice("created \(created) device identities", metadata: ["devices": "\(devices)"]) }
        }
        blueprint.devices = { _ in Int64(devices) }
        return blueprint
    }

    /// Creates devices `0..<count` that do not exist yet; returns how many it created.
    @discardableResult
    public static func ensureDevices(_ count: Int, in database: ServiceDatabase) throws -> Int {
        try database.writer.write { db in
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device WHERE deviceIndex < ?", arguments: [count]) ?? 0
            var created = 0
            for index in 0..<count where try DeviceRecord.fetchOne(db, key: index) == nil {
                let key = try SigningKey()
                try DeviceRecord(deviceIndex: index, publicKey: key.publicKey.hex, seed: Data(try key.seed()),
                                 createdAtMs: Int64(Date().timeIntervalSince1970 * 1000)).insert(db)
                created += 1
            }
            precondition(existing + created == count, "device rows must cover 0..<\(count)")
            return created
        }
    }

    /// The stored devices, in index order.
    public static func devices(in database: ServiceDatabase) throws -> [DeviceRecord] {
        try database.writer.read { db in try DeviceRecord.order(Column("deviceIndex")).fetchAll(db) }
    }
}

/// One device of the swarm: its index, its public key and the seed of its Ed25519 key.
public struct DeviceRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "device"
    public var deviceIndex: Int
    public var publicKey: String
    public var seed: Data
    public var createdAtMs: Int64

    /// The device's signing key.
    public func signingKey() throws -> SigningKey { try SigningKey(seed: [UInt8](seed)) }
}
