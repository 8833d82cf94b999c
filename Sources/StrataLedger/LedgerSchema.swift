public import GRDB
import Foundation

/// The ledger's tables and their migrations. Tables carry a `ledger` prefix because they live in the
/// owning service's SQLite file beside its other tables. Rows are keyed by chain id, so one file holds
/// several chains (an MEC's LMUC plus the shard chains it belongs to).
///
/// A shipped migration is never edited: a schema change is a new, newly named migration.
public enum LedgerSchema {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ledger-v1: chains, blocks, transactions, blobs") { db in
            try db.create(table: "ledgerChain", options: [.strict]) { table in
                table.primaryKey("id", .text)
                table.column("kind", .text).notNull()
                table.column("genesisHash", .text).notNull()
                table.column("headHeight", .integer).notNull()
                table.column("headHash", .text).notNull()
                // JSON [{"from":h,"members":[hex,…]},…]: the member sets, cached for appending.
                table.column("epochs", .text).notNull()
            }
            try db.create(table: "ledgerBlock", options: [.strict]) { table in
                table.column("chainId", .text).notNull().references("ledgerChain", onDelete: .cascade)
                table.column("height", .integer).notNull()
                table.column("hash", .text).notNull()
                table.column("previousHash", .text).notNull()
                // Canonical JSON of the header and of the quorum certificate.
                table.column("header", .text).notNull()
                table.column("certificate", .text).notNull()
                table.column("txCount", .integer).notNull()
                table.primaryKey(["chainId", "height"])
            }
            try db.create(index: "ledgerBlockByHash", on: "ledgerBlock", columns: ["hash"])
            try db.create(table: "ledgerTransaction", options: [.strict]) { table in
                table.column("chainId", .text).notNull()
                table.column("height", .integer).notNull()
                table.column("position", .integer).notNull()
                table.column("hash", .text).notNull()
                table.column("kind", .text).notNull()
                // Canonical JSON of the signed transaction (with `sig`).
                table.column("body", .text).notNull()
                table.primaryKey(["chainId", "height", "position"])
                table.foreignKey(["chainId", "height"], references: "ledgerBlock", onDelete: .cascade)
            }
            try db.create(index: "ledgerTransactionByHash", on: "ledgerTransaction", columns: ["hash"])
            try db.create(table: "ledgerBlob", options: [.strict]) { table in
                table.primaryKey("digest", .text)
                table.column("size", .integer).notNull()
                table.column("bytes", .blob).notNull()
            }
        }
        return migrator
    }
}

struct ChainRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ledgerChain"
    var id: String
    var kind: String
    var genesisHash: String
    var headHeight: Int64
    var headHash: String
    var epochs: String
}

struct BlockRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ledgerBlock"
    var chainId: String
    var height: Int64
    var hash: String
    var previousHash: String
    var header: String
    var certificate: String
    var txCount: Int64
}

struct TransactionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ledgerTransaction"
    var chainId: String
    var height: Int64
    var position: Int64
    var hash: String
    var kind: String
    var body: String
}

struct BlobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ledgerBlob"
    var digest: String
    var size: Int64
    var bytes: Data
}
