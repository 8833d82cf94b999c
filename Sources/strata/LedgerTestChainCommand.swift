import ArgumentParser
import StrataLedger

/// `strata ledger test-chain`: writes a deterministic, valid test chain into a SQLite file.
struct LedgerTestChainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-chain",
        abstract: "Write a deterministic valid chain (real Ed25519 keys, seeded) into a SQLite file, for trying the audit."
    )

    @Option(help: ArgumentHelp("The SQLite file to write (created if missing).", valueName: "file"))
    var db: String

    @Option(help: "Chain id, kind/name with kind lmuc, shard or root.")
    var chain: String = "lmuc/demo"

    @Option(help: "Members of the chain's member set.")
    var members: Int = 4

    @Option(help: "Blocks, genesis included.")
    var blocks: Int = 5

    @Option(help: "Transactions in each block after genesis.")
    var transactions: Int = 4

    @Option(help: "Seed of the keys and data.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...LedgerLimits.maxMembers).contains(members) else { throw ValidationError("--members must be 1…\(LedgerLimits.maxMembers)") }
        guard (1...100_000).contains(blocks) else { throw ValidationError("--blocks must be 1…100000") }
        guard (0...LedgerLimits.maxTransactionsPerBlock).contains(transactions) else {
            throw ValidationError("--transactions must be 0…\(LedgerLimits.maxTransactionsPerBlock)")
        }
    }

    func run() throws {
        let made = try TestChain.make(chain: ChainID(chain), members: members, blocks: blocks, transactionsPerBlock: transactions, seed: seed)
        let store = try LedgerStore.open(path: db)
        try made.write(to: store)
        print("wrote \(made.chain): \(made.blocks.count) blocks, head \(made.state.height) \(made.state.headHash.hex.prefix(16)), to \(db)")
        if made.blocks.count > 1, let first = made.blocks[1].transactions.first {
            print("a transaction to try `strata ledger proof` on: \(first.hash.hex)")
        }
    }
}
