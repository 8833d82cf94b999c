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
            let rows = try BlockRecord.filter(Column("chainId") == chain).order(Column("height")).fetchCursor(db)
            while let row = try rows.next() {
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
        let txRows = try TransactionRecord.filter(Column("chainId") == row.chainId && Column("height") == row.height)
            .order(Column("position")).fetchAll(db)
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
        let txRows = try TransactionRecord.filter(Column("chainId") == row.chainId && Column("height") == row.height)
            .order(Column("position")).fetchAll(db)
        for (txRow, transaction) in zip(txRows, block.transactions) where txRow.hash != transaction.hash.hex || txRow.kind != transaction.payload.kind {
            throw LedgerError(.badBlockHash, "transaction \(txRow.position): the stored hash or kind column disagrees with its bytes")
        }
    }

    /// The cached head and member sets must be what the replay produced.
    static func checkChainRow(_ db: Database, chain: String, state: ChainState?) throws {
        guard let row = try ChainRecord.fetchOne(db, key: chain) else {
            throw LedgerError(.notFound, "the chain has blocks but no ledgerChain row")
        }
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
