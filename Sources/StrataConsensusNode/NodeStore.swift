import Foundation
import GRDB
public import StrataConsensus
import StrataCrypto

/// A member's stable storage in its own SQLite file (WAL): the write-ahead log of `DurableRecord`s
/// the core asks to persist (appended before any message that depends on it is sent), and the
/// executed entries with their commit certificates (the ledger state transfer serves from), both
/// in their `BinaryCodec` form.
/// `synchronous = NORMAL` in WAL mode: a committed write survives the process being killed (the
/// case the tests exercise); only a power loss can take the last transactions.
public final class NodeStore: Sendable {
    private let pool: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The schema's steps, in order (a store opened by a newer Strata is brought up to date).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-consensus-wal-and-entries") { db in
            try db.create(table: "wal") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("record", .blob).notNull()
            }
            try db.create(table: "entry") { table in
                table.primaryKey("sequence", .integer)
                table.column("view", .integer).notNull()
                table.column("digest", .text).notNull()
                table.column("payload", .blob).notNull()
                table.column("entry", .blob).notNull()
            }
        }
        // The log's order only needs each new id above every id still in it: a plain rowid key
        // gives max(id) + 1, without AUTOINCREMENT's `sqlite_sequence` page written on every append.
        migrator.registerMigration("v2-wal-rowid-key") { db in
            try db.create(table: "wal_rowid") { table in
                table.primaryKey("id", .integer)
                table.column("record", .blob).notNull()
            }
            try db.execute(sql: "INSERT INTO wal_rowid (id, record) SELECT id, record FROM wal ORDER BY id")
            try db.drop(table: "wal")
            try db.rename(table: "wal_rowid", to: "wal")
        }
        return migrator
    }

    /// Appends records atomically (all of them are durable when it returns, or none is).
    public func append(_ records: [DurableRecord]) throws {
        guard !records.isEmpty else { return }
        #if STRATA_ABLATION
        if Ablation.skipsStorage { return }
        #endif
        let rows = records.map { Data(BinaryCodec.encode($0)) }
        let becameStable = records.contains { if case .stableCheckpoint = $0 { true } else { false } }
        guard becameStable || rows.count >= Self.insertStatements.count else {
            // The usual one to three records: a single multi-row INSERT is atomic by itself, so it
            // runs in autocommit mode without BEGIN and COMMIT statements around it (measured: a
            // tenth less storage CPU in a busy member).
            try pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: Self.insertStatements[rows.count]).execute(arguments: StatementArguments(rows))
            }
            return
        }
        try pool.write { db in
            let insert = try db.cachedStatement(sql: Self.insertStatements[1])
            for data in rows { try insert.execute(arguments: [data]) }
            if becameStable { try Self.prune(db) }
        }
    }

    /// `INSERT INTO wal` of 1, 2 or 3 rows at once (index = row count; index 0 unused).
    private static let insertStatements = (0...3).map { count in
        "INSERT INTO wal (record) VALUES " + Array(repeating: "(?)", count: max(count, 1)).joined(separator: ", ")
    }

    /// Forgets what a restart no longer needs once a checkpoint is stable (`DurableRecord.prunable`),
    /// in the transaction that stored the checkpoint, so the log stays about one window long.
    private static func prune(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, record FROM wal ORDER BY id")
        let records = try rows.map { try decode(DurableRecord.self, $0["record"] as Data, BinaryCodec.decodeRecord) }
        let delete = try db.cachedStatement(sql: "DELETE FROM wal WHERE id = ?")
        for index in DurableRecord.prunable(records) { try delete.execute(arguments: [rows[index]["id"] as Int64]) }
    }

    /// Rows in the write-ahead log (it is pruned at each stable checkpoint).
    public func walCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wal") ?? 0 }
    }

    public func records() throws -> [DurableRecord] {
        try pool.read { db in
            try Data.fetchAll(db, sql: "SELECT record FROM wal ORDER BY id").map { try Self.decode(DurableRecord.self, $0, BinaryCodec.decodeRecord) }
        }
    }

    /// Stores an executed entry; a second store of the same sequence must be the same digest.
    public func store(_ entry: CommittedEntry) throws {
        #if STRATA_ABLATION
        if Ablation.skipsStorage { return }
        #endif
        let data = Data(BinaryCodec.encode(entry))
        // One statement, atomic in autocommit mode; the check after it only reads.
        try pool.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO entry (sequence, view, digest, payload, entry) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [Int64(entry.sequence), Int64(entry.view), entry.proposal.digest.hex, Data(entry.proposal.payload), data])
            guard db.changesCount == 0 else { return }
            // The sequence was stored before: only the same digest again is fine.
            let existing = try String.fetchOne(db.cachedStatement(sql: "SELECT digest FROM entry WHERE sequence = ?"),
                                               arguments: [Int64(entry.sequence)]) ?? ""
            guard existing == entry.proposal.digest.hex else {
                throw ConsensusNodeError("sequence \(entry.sequence) already holds \(existing.prefix(12)), refusing \(entry.proposal.digest.hex.prefix(12))")
            }
        }
    }

    /// At most `limit` consecutive entries from `from` on.
    public func entries(from: UInt64, limit: Int) throws -> [CommittedEntry] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT sequence, entry FROM entry WHERE sequence >= ? ORDER BY sequence LIMIT ?",
                                        arguments: [Int64(from), limit])
            var out: [CommittedEntry] = []
            var expected = Int64(from)
            for row in rows {
                guard row["sequence"] as Int64 == expected else { break }
                out.append(try Self.decode(CommittedEntry.self, row["entry"] as Data, BinaryCodec.decodeEntry))
                expected += 1
            }
            return out
        }
    }

    /// Rows are `BinaryCodec` bytes; rows written by Strata before it (JSON, starting with `{`)
    /// are still read.
    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ binary: ([UInt8]) throws(BinaryCodec.CodecError) -> T) throws -> T {
        if data.first == UInt8(ascii: "{") { return try JSONDecoder().decode(type, from: data) }
        return try binary([UInt8](data))
    }

    /// What a restarting member tells its core about the executed prefix.
    public func ledgerHead(history: Int) throws -> LedgerHead {
        try pool.read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM entry") ?? 0
            let recent = try String.fetchAll(db, sql: "SELECT digest FROM entry WHERE digest != '' ORDER BY sequence DESC LIMIT ?",
                                             arguments: [history]).reversed()
            let digests = try recent.map { try ProposalDigest(hex: $0) }
            return LedgerHead(sequence: UInt64(last), stateDigest: digests.last ?? .null, recentDigests: digests)
        }
    }
}

extension StrataConsensus.Digest {
    var hex: String { StrataCrypto.Hex.encode(bytes) }

    init(hex: String) throws {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { throw ConsensusNodeError("stored digest \(hex.prefix(16)) is not hex") }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
