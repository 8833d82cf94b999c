public import GRDB
import Foundation
public import StrataCrypto

/// The ledger of one service, in that service's SQLite file: blocks, transactions and blobs of any
/// number of chains. Appending a block validates it against the chain's head (pure `ChainState` rules)
/// and writes it with its transactions and blobs in one SQLite transaction.
public final class LedgerStore: Sendable {
    let writer: any DatabaseWriter

    /// Wraps `writer` and brings its schema up to date with `LedgerSchema.migrator`.
    public init(writer: any DatabaseWriter) throws(LedgerError) {
        self.writer = writer
        try LedgerStore.storage("migrating the ledger schema") { try LedgerSchema.migrator.migrate(writer) }
    }

    private init(unmigrated writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Opens an existing file read-only, without migrating it, for audits and proofs.
    /// Returns nil when the file has no ledger tables (another service's database).
    public static func open(readOnly path: String) throws(LedgerError) -> LedgerStore? {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try storage("opening \(path)") { try DatabaseQueue(path: path, configuration: configuration) }
        let hasLedger = try storage("reading \(path)") { try queue.read { db in try db.tableExists("ledgerChain") } }
        return hasLedger ? LedgerStore(unmigrated: queue) : nil
    }

    /// Opens (or creates) the ledger in the SQLite file at `path`: a WAL `DatabasePool`.
    public static func open(path: String) throws(LedgerError) -> LedgerStore {
        let pool = try storage("opening \(path)") { try DatabasePool(path: path) }
        return try LedgerStore(writer: pool)
    }

    /// The chains in this store, sorted.
    public func chainIDs() throws(LedgerError) -> [ChainID] {
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM ledgerChain ORDER BY id") }
        var chains = [ChainID]()
        for id in ids { chains.append(try ChainID(id)) }
        return chains
    }

    /// Validates `block` against the stored head of its chain (or as a genesis block) and stores it,
    /// its transactions and `blobs`, atomically. Returns the chain's new state.
    @discardableResult
    public func append(_ block: Block, blobs: [[UInt8]] = []) throws(LedgerError) -> ChainState {
        for blob in blobs where blob.count > LedgerLimits.maxBlobBytes {
            throw LedgerError(.tooLarge, "a blob of \(blob.count) bytes exceeds \(LedgerLimits.maxBlobBytes)")
        }
        return try write { db in
            let state: ChainState
            let existing = try ChainRecord.fetchOne(db, key: block.chain)
            if let row = existing {
                let head = ChainState(chain: try ChainID(row.id), height: row.headHeight, headHash: try Digest(hex: row.headHash),
                                      epochs: try EpochsColumn.decode(row.epochs, chain: row.id))
                state = try head.appending(block)
            } else {
                state = try ChainState.genesis(block)
            }
            try ChainRecord(id: state.chain.description, kind: state.chain.kind.rawValue,
                            genesisHash: existing?.genesisHash ?? state.headHash.hex,
                            headHeight: state.height, headHash: state.headHash.hex, epochs: EpochsColumn.encode(state.epochs)).save(db)
            try BlockRecord(block, hash: state.headHash).insert(db)
            for (position, transaction) in block.transactions.enumerated() {
                try TransactionRecord(transaction, height: block.height, position: position).insert(db)
            }
            for blob in blobs {
                try BlobRecord(digest: SHA256.hash(blob).hex, size: Int64(blob.count), bytes: Data(blob)).insert(db, onConflict: .ignore)
            }
            return state
        }
    }

    /// Stores a blob under its SHA-256 and returns the digest.
    @discardableResult
    public func putBlob(_ bytes: [UInt8]) throws(LedgerError) -> Digest {
        guard bytes.count <= LedgerLimits.maxBlobBytes else {
            throw LedgerError(.tooLarge, "a blob of \(bytes.count) bytes exceeds \(LedgerLimits.maxBlobBytes)")
        }
        let digest = SHA256.hash(bytes)
        try write { db in try BlobRecord(digest: digest.hex, size: Int64(bytes.count), bytes: Data(bytes)).insert(db, onConflict: .ignore) }
        return digest
    }

    /// The blob with this digest, checked against it; nil if absent.
    public func blob(_ digest: Digest) throws(LedgerError) -> [UInt8]? {
        guard let row = try read({ db in try BlobRecord.fetchOne(db, key: digest.hex) }) else { return nil }
        let bytes = [UInt8](row.bytes)
        guard SHA256.hash(bytes) == digest else {
            throw LedgerError(.blobMismatch, "blob \(digest.hex.prefix(16)) holds bytes that hash to \(SHA256.hash(bytes).hex.prefix(16))")
        }
        return bytes
    }

    /// The stored block at `height`, decoded strictly (not re-validated); nil if absent.
    public func block(chain: ChainID, height: Int64) throws(LedgerError) -> Block? {
        try read { db in try LedgerStore.loadBlock(db, chain: chain.description, height: height) }
    }

    /// Reloads a chain after a restart: replays every stored block through the validation rules and
    /// checks the cached head against the result. Throws the first problem, located.
    public func verifiedState(of chain: ChainID) throws(LedgerError) -> ChainState {
        let result = try read { db in ChainAudit.verify(db, chain: chain.description) }
        if let problem = result.problem { throw problem }
        guard let state = result.state else { throw LedgerError(.notFound, "no chain \(chain) in this store") }
        return state
    }

    /// Reloads a chain's cached head cheaply: the head block must hash to the cached head hash and
    /// keep every block rule under the member set in force at its height. Use `verifiedState(of:)`
    /// to replay the whole chain instead.
    public func verifiedHead(of chain: ChainID) throws(LedgerError) -> ChainState {
        let id = chain.description
        return try read { db in
            guard let raw = try Row.fetchOne(db, sql: "SELECT * FROM ledgerChain WHERE id = ?", arguments: [id]) else {
                throw LedgerError(.notFound, "no chain \(chain) in this store")
            }
            let row = try StoredRow.decode(ChainRecord.self, raw, chain: id, expected: nil)
            guard let headHash = try? Digest(hex: row.headHash) else {
                throw LedgerError(.corruptRow, "the cached head hash is not a digest", chain: id, height: row.headHeight)
            }
            let state = ChainState(chain: chain, height: row.headHeight, headHash: headHash, epochs: try EpochsColumn.decode(row.epochs, chain: id))
            guard let block = try LedgerStore.loadBlock(db, chain: id, height: row.headHeight) else {
                throw LedgerError(.missingBlock, "the head block \(row.headHeight) is missing", chain: id, height: row.headHeight)
            }
            do throws(LedgerError) {
                guard let members = state.members(at: row.headHeight) else {
                    throw LedgerError(.corruptRow, "no cached member set covers the head height")
                }
                let hash = try BlockRules.check(block, chain: chain, members: members)
                guard hash == headHash else {
                    throw LedgerError(.badBlockHash, "the head block hashes to \(hash.hex.prefix(16)), the cached head is \(headHash.hex.prefix(16))")
                }
            } catch {
                throw error.at(chain: id, height: row.headHeight)
            }
            return state
        }
    }

    static func loadBlock(_ db: Database, chain: String, height: Int64) throws -> Block? {
        guard let row = try BlockRecord.fetchOne(db, key: ["chainId": chain, "height": height]) else { return nil }
        let rows = try TransactionRecord.filter(Column("chainId") == chain && Column("height") == height)
            .order(Column("position")).fetchAll(db)
        var transactions = [Transaction]()
        for txRow in rows { transactions.append(try txRow.decode()) }
        return Block(header: try row.decodeHeader(), certificate: try row.decodeCertificate(), transactions: transactions)
    }

    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try LedgerStore.storage("reading the ledger") { try writer.read(body) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        try LedgerStore.storage("writing the ledger") { try writer.write(body) }
    }

    /// Runs `body`, passing `LedgerError`s through and wrapping any other error as `storage`.
    static func storage<T>(_ what: String, _ body: () throws -> T) throws(LedgerError) -> T {
        do {
            return try body()
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.storage, "\(what): \(error)")
        }
    }
}

extension LedgerStore {
    /// Where a transaction is stored: chain, height and position in its block.
    public struct TransactionLocation: Sendable, Hashable {
        public let chain: String
        public let height: Int64
        public let position: Int
    }

    /// Every place the transaction with this hash is stored (normally one).
    public func locate(transaction: Digest) throws(LedgerError) -> [TransactionLocation] {
        try read { db in
            try TransactionRecord.filter(Column("hash") == transaction.hex).order(Column("chainId"), Column("height")).fetchAll(db)
                .map { TransactionLocation(chain: $0.chainId, height: $0.height, position: Int($0.position)) }
        }
    }

    /// A Merkle inclusion proof of the transaction with this hash in its stored block.
    public func inclusionProof(transaction: Digest) throws(LedgerError) -> TransactionInclusionProof {
        guard let location = try locate(transaction: transaction).first else {
            throw LedgerError(.notFound, "no transaction \(transaction.hex) in this store")
        }
        let block = try read { db in try LedgerStore.loadBlock(db, chain: location.chain, height: location.height) }
        guard let block, block.transactions.indices.contains(location.position),
              block.transactions[location.position].hash == transaction else {
            throw LedgerError(.corruptRow, "the stored block does not hold transaction \(transaction.hex.prefix(16)) where indexed",
                              chain: location.chain, height: location.height)
        }
        return try TransactionInclusionProof(block: block, blockHash: try block.header.hash(), position: location.position)
    }
}
