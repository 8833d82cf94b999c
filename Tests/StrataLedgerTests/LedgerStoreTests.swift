import Foundation
import GRDB
import Testing
import StrataCrypto
@testable import StrataLedger

struct LedgerStoreTests {
    @Test("the shipped migrations keep their names (never edit one; add a new one)")
    func migrationNames() {
        #expect(LedgerSchema.migrator.migrations == ["ledger-v1: chains, blocks, transactions, blobs"])
    }

    @Test("a restarted node reloads its chain from the SQLite file and verifies the head")
    func reload() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/mec.sqlite"
        let chain = try TestChain.make(chain: ChainID("lmuc/mec-1"), members: 4, blocks: 5, transactionsPerBlock: 4)
        try writeLedger(path, chains: [chain])

        let reopened = try LedgerStore.open(path: path)
        let state = try reopened.verifiedState(of: chain.chain)
        #expect(state.height == 4)
        #expect(state.headHash == chain.state.headHash)
        #expect(try reopened.block(chain: chain.chain, height: 3) == chain.blocks[3])
        #expect(try reopened.chainIDs() == [chain.chain])
        let model = SHA256.hash(chain.blobs[0])
        #expect(try reopened.blob(model) == chain.blobs[0])
        #expect(try reopened.blob(SHA256.hash("absent")) == nil)
        // It goes on from where it stopped.
        let next = try Block.seal(chain: chain.chain, height: 5, previous: state.headHash, transactions: [], proposer: chain.memberKeys[1].publicKey,
                                  voters: chain.quorumKeys(), time: 5)
        #expect(try reopened.append(next).height == 5)
    }

    @Test("a restart can check just the head: its hash and certificate against the cached member set")
    func verifiedHead() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/mec.sqlite"
        let chain = try TestChain.make(blocks: 4)
        try writeLedger(path, chains: [chain])
        #expect(try LedgerStore.open(path: path).verifiedHead(of: chain.chain).headHash == chain.state.headHash)
        try RawLedgerFile(path).flipDigit(table: "ledgerBlock", column: "certificate", chain: chain.chain.description, height: 3, after: #""sig":""#)
        expectLedgerError(.badQC, height: 3, containing: "chain lmuc/test-1 height 3: bad_qc: the commit signature of member") {
            _ = try LedgerStore.open(path: path).verifiedHead(of: chain.chain)
        }
    }

    @Test("appending rejects an invalid block and writes nothing")
    func rejectInvalid() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/mec.sqlite"
        let chain = try TestChain.make(blocks: 4)
        try writeLedger(path, chains: [chain])
        let store = try LedgerStore.open(path: path)
        expectLedgerError(.badHeight, height: 4, containing: "says height 3, expected 4") { try store.append(chain.blocks[3]) }
        let badLink = try chain.resealed(3) { $0.height = 4 }
        expectLedgerError(.badHashLink, height: 4) { try store.append(badLink) }
        let count = try RawLedgerFile(path).text("SELECT count(*) FROM ledgerBlock WHERE chainId = ?", [chain.chain.description])
        #expect(count == "4")
    }

    @Test("a block and its transactions are one SQLite transaction: a failing row rolls back the block")
    func atomicAppend() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/mec.sqlite"
        let chain = try TestChain.make(blocks: 5)
        try writeLedger(path, chains: [try TestChain.make(blocks: 4)])
        // Given a stray row where block 4's second transaction will go…
        let raw = try RawLedgerFile(path)
        try raw.queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "INSERT INTO ledgerTransaction VALUES (?, 4, 1, 'x', 'x', 'x')", arguments: [chain.chain.description])
        }
        let store = try LedgerStore.open(path: path)
        // …appending the valid block 4 fails on that row…
        expectLedgerError(.storage, containing: "UNIQUE") { try store.append(chain.blocks[4]) }
        // …and leaves neither the block, nor its first transaction, nor a moved head.
        #expect(try raw.text("SELECT count(*) FROM ledgerBlock WHERE height = 4", []) == "0")
        #expect(try raw.text("SELECT count(*) FROM ledgerTransaction WHERE height = 4 AND position = 0", []) == "0")
        #expect(try raw.text("SELECT headHeight FROM ledgerChain", []) == "3")
    }

    @Test("one file holds several chains keyed by chain id, and the audit checks each")
    func severalChains() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/mec.sqlite"
        let chains = [try TestChain.make(chain: ChainID("lmuc/mec-1"), blocks: 3, seed: 1),
                      try TestChain.make(chain: ChainID("shard/task-1"), blocks: 4, seed: 2),
                      try TestChain.make(chain: ChainID("shard/task-2"), blocks: 2, seed: 3)]
        try writeLedger(path, chains: chains)
        let report = LedgerAudit.verify(file: path)
        #expect(report.ok, "\(report.problems)")
        #expect(report.chains.map(\.chain) == ["lmuc/mec-1", "shard/task-1", "shard/task-2"])
        #expect(report.chains.map(\.verifiedBlocks) == [3, 4, 2])
        #expect(report.blobs == chains.map(\.blobs.count).reduce(0, +))
    }

    @Test("a file without ledger tables is not a ledger; a file that is not SQLite is a storage error")
    func notALedger() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let other = folder.path + "/other.sqlite"
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE note (text TEXT)") }
        #expect(LedgerAudit.verify(file: other).hasLedger == false)
        let junk = folder.path + "/junk.sqlite"
        try Data("this is not a database at all, not even close........................................................".utf8).write(to: URL(fileURLWithPath: junk))
        let report = LedgerAudit.verify(file: junk)
        #expect(report.problems.first?.code == .storage)
    }
}
