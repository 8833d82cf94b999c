import GRDB
import StrataCrypto

/// What auditing one stored chain found.
public struct ChainAuditSummary: Sendable {
    public let chain: String
    /// Blocks that passed every check, from genesis on.
    public let verifiedBlocks: Int
    public let transactions: Int
    /// The verified head (nil if not even genesis verified).
    public let state: ChainState?
    /// The first problem, located at the first bad block; nil if the whole chain verified.
    public let problem: LedgerError?
}

/// Replays one stored chain from genesis through the validation rules, and checks that every stored
/// column (hashes, counts, kinds, the cached head and member sets) agrees with the bytes it describes.
enum ChainAudit {
    static func verify(_ db: Database, chain: String) -> ChainAuditSummary {
        var state: ChainState?
        var blocks = 0
        var transactions = 0
        var height: Int64 = 0
        do {
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM ledgerBlock WHERE chainId = ? ORDER BY height", arguments: [chain])
            while let raw = try rows.next() {
                let row = try StoredRow.decode(BlockRecord.self, raw, chain: chain, expected: (state?.height ?? -1) + 1)
                height = row.height
                let expected = (state?.height ?? -1) + 1
                guard row.height == expected else {
                    throw LedgerError(.missingBlock, "block \(expected) is missing; the next stored block is \(row.height)", height: expected)
                }
                let block = try loadStored(db, row: row)
                let next = try state?.appending(block) ?? ChainState.genesis(block)
                try checkColumns(db, row: row, block: block, hash: next.headHash)
                state = next
                blocks += 1
                transactions += block.transactions.count
            }
            try checkChainRow(db, chain: chain, state: state)
            return ChainAuditSummary(chain: chain, verifiedBlocks: blocks, transactions: transactions, state: state, problem: nil)
        } catch {
            let problem = (error as? LedgerError) ?? LedgerError(.storage, "reading chain \(chain): \(error)")
            return ChainAuditSummary(chain: chain, verifiedBlocks: blocks, transactions: transactions, state: state,
                                     problem: problem.at(chain: chain, height: problem.code == .storage ? nil : height))
        }
    }

    static func loadStored(_ db: Database, row: BlockRecord) throws -> Block {
        let txRows = try Row.fetchAll(db, sql: "SELECT * FROM ledgerTransaction WHERE chainId = ? AND height = ? ORDER BY position",
                                      arguments: [row.chainId, row.height])
            .map { raw throws in try StoredRow.decode(TransactionRecord.self, raw, chain: row.chainId, expected: row.height) }
        var transactions = [Transaction]()
        for (index, txRow) in txRows.enumerated() {
            guard txRow.position == Int64(index) else {
                throw LedgerError(.badMerkleRoot, "transaction position \(index) is missing from the stored block")
            }
            transactions.append(try txRow.decode())
        }
        return Block(header: try row.decodeHeader(), certificate: try row.decodeCertificate(), transactions: transactions)
    }

    /// The stored hash, link and count columns must agree with the validated bytes.
    static func checkColumns(_ db: Database, row: BlockRecord, block: Block, hash: Digest) throws {
        guard row.hash == hash.hex else {
            throw LedgerError(.badBlockHash, "the stored hash \(row.hash.prefix(16)) is not the header's hash \(hash.hex.prefix(16))")
        }
        guard row.previousHash == block.header.previous.hex, row.txCount == Int64(block.transactions.count) else {
            throw LedgerError(.badBlockHash, "the stored previousHash or txCount column disagrees with the header")
        }
        let txRows = try Row.fetchAll(db, sql: "SELECT * FROM ledgerTransaction WHERE chainId = ? AND height = ? ORDER BY position",
                                      arguments: [row.chainId, row.height])
            .map { raw throws in try StoredRow.decode(TransactionRecord.self, raw, chain: row.chainId, expected: row.height) }
        for (txRow, transaction) in zip(txRows, block.transactions) where txRow.hash != transaction.hash.hex || txRow.kind != transaction.payload.kind {
            throw LedgerError(.badBlockHash, "transaction \(txRow.position): the stored hash or kind column disagrees with its bytes")
        }
    }

    /// The cached head and member sets must be what the replay produced.
    static func checkChainRow(_ db: Database, chain: String, state: ChainState?) throws {
        guard let raw = try Row.fetchOne(db, sql: "SELECT * FROM ledgerChain WHERE id = ?", arguments: [chain]) else {
            throw LedgerError(.notFound, "the chain has blocks but no ledgerChain row")
        }
        let row = try StoredRow.decode(ChainRecord.self, raw, chain: chain, expected: state?.height)
        guard let state else {
            throw LedgerError(.missingBlock, "the chain has no stored blocks; its head should be \(row.headHeight)", height: 0)
        }
        guard row.headHeight <= state.height else {
            throw LedgerError(.missingBlock, "block \(state.height + 1) is missing; the chain's head is \(row.headHeight)", height: state.height + 1)
        }
        guard row.headHeight == state.height, row.headHash == state.headHash.hex else {
            throw LedgerError(.badBlockHash, "the stored head (\(row.headHeight), \(row.headHash.prefix(16))) is not the verified head", height: state.height)
        }
        guard row.epochs == EpochsColumn.encode(state.epochs) else {
            throw LedgerError(.corruptRow, "the cached member sets differ from those the chain declares", height: state.height)
        }
    }
}

/// Decoding of raw rows that reports a row of the wrong shape as `corrupt_row`, never a crash.
enum StoredRow {
    static func decode<Record: FetchableRecord>(_ type: Record.Type, _ row: Row, chain: String, expected height: Int64?) throws(LedgerError) -> Record {
        do {
            return try Record(row: row)
        } catch {
            throw LedgerError(.corruptRow, "a \(Record.databaseTableNameForErrors) row does not decode: \(error)", chain: chain, height: height)
        }
    }
}

extension FetchableRecord {
    static var databaseTableNameForErrors: String {
        (Self.self as? any TableRecord.Type)?.databaseTableName ?? "\(Self.self)"
    }
}
