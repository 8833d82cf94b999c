import Foundation
import GRDB
import StrataConsensus
@testable import StrataConsensusNode
import Testing

/// A member's SQLite store across Strata versions: a log written with the first schema (ids by
/// AUTOINCREMENT) opens with every record, in order, and keeps appending after them.
struct NodeStoreMigrationTests {
    static func record(_ sequence: UInt64) -> DurableRecord {
        .sent(.checkpoint(Checkpoint(sequence: sequence, digest: ProposalDigest([UInt8(sequence)]), replica: ReplicaID(1))))
    }

    @Test("a v1 log (with pruned gaps) keeps its records and order, and new records go after them")
    func v1LogMigrates() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-nodestore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/consensus.sqlite"
        // The file as the first schema left it: rows 1–3 pruned, 4 and 7 kept, AUTOINCREMENT at 7.
        do {
            let old = try DatabaseQueue(path: path)
            try NodeStore.migrator.migrate(old, upTo: "v1-consensus-wal-and-entries")
            try old.write { db in
                for id in 1...7 { try db.execute(sql: "INSERT INTO wal (id, record) VALUES (?, ?)", arguments: [id, Data(BinaryCodec.encode(Self.record(UInt64(id))))]) }
                try db.execute(sql: "DELETE FROM wal WHERE id IN (1, 2, 3, 5, 6)")
            }
        }
        let store = try NodeStore(path: path)
        #expect(try store.records() == [Self.record(4), Self.record(7)])
        try store.append([Self.record(8)])
        #expect(try store.records() == [Self.record(4), Self.record(7), Self.record(8)])
        // Two, three and four records at once (one multi-row INSERT up to three) keep their order.
        try store.append([Self.record(9), Self.record(10)])
        try store.append([Self.record(11), Self.record(12), Self.record(13)])
        try store.append([Self.record(14), Self.record(15), Self.record(16), Self.record(17)])
        #expect(try store.records() == ([4] + Array(7...17)).map { Self.record(UInt64($0)) })
        let schema = try DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'wal'") }
        #expect(schema?.contains("AUTOINCREMENT") == false, "the log table still uses AUTOINCREMENT: \(schema ?? "missing")")
    }
}
