import Foundation
public import GRDB
import StrataProtocol
public import StrataService

/// The ledger archiver. Today it archives every verified event on the bus (topic, type, sender,
/// seq, time and the signed envelope) in its SQLite file, so anything published can be audited
/// later; dropped messages are counted by error code. Block archiving, audits and proofs arrive
/// with the chains issue.
public enum ArchiverService {
    public static var blueprint: ServiceBlueprint {
        var blueprint = ServiceBlueprint(kind: .archiver)
        blueprint.migrations = { migrator in
            migrator.registerMigration("v1-archiver-events") { db in
                try db.create(table: "event") { table in
                    table.autoIncrementedPrimaryKey("id")
                    table.column("topic", .text).notNull()
                    table.column("type", .text).notNull()
                    table.column("sender", .text).notNull()
                    table.column("seq", .integer).notNull()
                    table.column("ts", .integer).notNull()
                    table.column("receivedAtMs", .integer).notNull()
                    table.column("envelope", .text).notNull()
                }
                try db.create(index: "event_on_type", on: "event", columns: ["type", "id"])
            }
        }
        blueprint.work = { context in try await archive(context) }
        return blueprint
    }

    /// Subscribes to everything on the bus and stores each verified message, in arrival order.
    static func archive(_ context: ServiceContext) async throws {
        let watcher = try BusWatcher(endpoint: context.configuration.busBackend)
        defer { watcher.close() }
        let database = context.database
        try await withTaskCancellationHandler {
            for try await event in watcher.events {
                context.inbound.received.increment()
                switch event {
                case .verified(let topic, let message, _):
                    let envelope = message.envelope
                    try await database.writer.write { db in
                        try ArchivedEvent(topic: topic, type: envelope.type, sender: envelope.sender, seq: envelope.seq,
                                          ts: envelope.ts, receivedAtMs: WallClock.nowMillis(),
                                          envelope: String(decoding: envelope.wireBytes(), as: UTF8.self)).insert(db)
                    }
                case .rejected(let topic, let error):
                    if context.inbound.rejected.add(error.code) {
                        context.logger.warning("dropped a message on \"\(topic)\": \(error) (further \(error.code.rawValue) drops are only counted)")
                    }
                }
            }
        } onCancel: {
            watcher.close()
        }
    }

    /// Archived events, oldest first (tests and, later, `events.since`).
    public static func events(in database: ServiceDatabase, type: String? = nil) throws -> [ArchivedEvent] {
        try database.writer.read { db in
            var request = ArchivedEvent.order(Column("id"))
            if let type { request = request.filter(Column("type") == type) }
            return try request.fetchAll(db)
        }
    }
}

/// One verified bus message as archived.
public struct ArchivedEvent: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var topic: String
    public var type: String
    public var sender: String
    public var seq: Int64
    public var ts: Int64
    public var receivedAtMs: Int64
    public var envelope: String

    public init(topic: String, type: String, sender: String, seq: Int64, ts: Int64, receivedAtMs: Int64, envelope: String) {
        self.topic = topic
        self.type = type
        self.sender = sender
        self.seq = seq
        self.ts = ts
        self.receivedAtMs = receivedAtMs
        self.envelope = envelope
    }
}
