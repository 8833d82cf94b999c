public import GRDB
import Foundation

/// One service's SQLite state (GRDB, WAL): a private pool, a migrator whose migrations are named and
/// never edited once shipped, and the records every service keeps. Service kinds append their own
/// migrations (`ServiceBlueprint.migrations`); tests use this same migrator on a temporary file.
public final class ServiceDatabase: Sendable {
    public let path: String
    public let writer: DatabasePool

    /// Opens (creating if needed) `path` and runs every migration not applied yet.
    public init(path: String, migrations: @Sendable (inout DatabaseMigrator) -> Void = { _ in }) throws(ServiceError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            writer = try DatabasePool(path: path, configuration: configuration)
            var migrator = ServiceDatabase.baseMigrator
            migrations(&migrator)
            try migrator.migrate(writer)
            chmod(path, 0o600)
        } catch {
            throw ServiceError(.storage, "cannot open the database \(path): \(error)")
        }
    }

    /// The migrations every service has.
    static var baseMigrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-service-starts") { db in
            try db.create(table: "service_start") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("startedAtMs", .integer).notNull()
                table.column("version", .text).notNull()
                table.column("identity", .text).notNull()
            }
        }
        return migrator
    }

    /// Records this start; returns how many starts the file has seen (1 on first start).
    @discardableResult
    public func recordStart(_ start: ServiceStart) throws -> Int {
        try writer.write { db in
            var row = start
            try row.insert(db)
            return try ServiceStart.fetchCount(db)
        }
    }

    public func starts() throws -> [ServiceStart] {
        try writer.read { db in try ServiceStart.order(Column("id")).fetchAll(db) }
    }

    /// Bytes of the database and its WAL and shared-memory files.
    public var sizeBytes: Int64 {
        [path, path + "-wal", path + "-shm"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0)
        }
    }
}

/// One start of the service process: when, which version, with which identity.
public struct ServiceStart: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "service_start"
    public var id: Int64?
    public var startedAtMs: Int64
    public var version: String
    public var identity: String

    public init(startedAtMs: Int64, version: String, identity: String) {
        self.startedAtMs = startedAtMs
        self.version = version
        self.identity = identity
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
