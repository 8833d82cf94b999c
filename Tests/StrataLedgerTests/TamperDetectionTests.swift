import Foundation
import GRDB
import Testing
import StrataCrypto
@testable import StrataLedger

/// Each test writes a valid ledger through the store, then edits the SQLite file directly and checks
/// that the audit names the chain, the first bad height and the reason — what `strata ledger verify` prints.
struct TamperDetectionTests {
    static let chainID = "lmuc/mec-1"

    /// Given a valid 5-block chain in a fresh file, runs `tamper` on it and returns the audit report.
    func auditAfter(_ tamper: (RawLedgerFile, TestChain) throws -> Void) throws -> LedgerAuditReport {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/mec.sqlite"
        let chain = try TestChain.make(chain: ChainID(Self.chainID), members: 4, blocks: 5, transactionsPerBlock: 4)
        try writeLedger(path, chains: [chain])
        #expect(LedgerAudit.verify(file: path).ok, "the untouched file verifies")
        try tamper(try RawLedgerFile(path), chain)
        return LedgerAudit.verify(file: path)
    }

    func expectFirstProblem(_ report: LedgerAuditReport, _ code: LedgerError.Code, height: Int64?, _ text: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!report.ok, sourceLocation: sourceLocation)
        guard let problem = report.problems.first else { return }
        #expect(problem.code == code, "\(problem)", sourceLocation: sourceLocation)
        #expect(problem.chain == Self.chainID, "\(problem)", sourceLocation: sourceLocation)
        #expect(problem.height == height, "\(problem)", sourceLocation: sourceLocation)
        #expect(problem.description.contains(text), "\(problem)", sourceLocation: sourceLocation)
    }

    @Test("one flipped byte in a block header: chain lmuc/mec-1 height 2: bad_qc, the certificate is for another block")
    func flippedHeaderByte() throws {
        let report = try auditAfter { raw, _ in
            try raw.flipDigit(table: "ledgerBlock", column: "header", chain: Self.chainID, height: 2, after: #""time":"#)
        }
        expectFirstProblem(report, .badQC, height: 2, "chain lmuc/mec-1 height 2: bad_qc: the certificate is for block")
    }

    @Test("one flipped byte in a transaction: chain lmuc/mec-1 height 3: bad_tx_signature")
    func flippedTransactionByte() throws {
        let report = try auditAfter { raw, _ in
            try raw.flipDigit(table: "ledgerTransaction", column: "body", chain: Self.chainID, height: 3, position: 3, after: #""amount":"#)
        }
        expectFirstProblem(report, .badTxSignature, height: 3, "chain lmuc/mec-1 height 3: bad_tx_signature: transaction 3")
    }

    @Test("one flipped byte in a blob: blob_mismatch at the height of the update that refers to it")
    func flippedBlobByte() throws {
        let report = try auditAfter { raw, chain in
            let digest = SHA256.hash(chain.blobs[1]).hex
            try raw.queue.write { db in
                try db.execute(sql: "UPDATE ledgerBlob SET bytes = CAST(? AS BLOB) WHERE digest = ?",
                               arguments: [Data(chain.blobs[1].enumerated().map { $0.offset == 17 ? $0.element ^ 0x80 : $0.element }), digest])
            }
        }
        expectFirstProblem(report, .blobMismatch, height: 2, "chain lmuc/mec-1 height 2: blob_mismatch: blob")
        #expect(report.chains.first?.problem == nil, "the chain itself still verifies")
    }

    @Test("one flipped byte in a QC signature: chain lmuc/mec-1 height 1: bad_qc, a member's signature does not verify")
    func flippedSignatureByte() throws {
        let report = try auditAfter { raw, _ in
            try raw.flipDigit(table: "ledgerBlock", column: "certificate", chain: Self.chainID, height: 1, after: #""sig":""#)
        }
        expectFirstProblem(report, .badQC, height: 1, "does not verify")
    }

    @Test("a deleted block: chain lmuc/mec-1 height 2: missing_block")
    func deletedBlock() throws {
        let report = try auditAfter { raw, _ in
            try raw.queue.write { db in try db.execute(sql: "DELETE FROM ledgerBlock WHERE chainId = ? AND height = 2", arguments: [Self.chainID]) }
        }
        expectFirstProblem(report, .missingBlock, height: 2, "chain lmuc/mec-1 height 2: missing_block: block 2 is missing; the next stored block is 3")
        #expect(report.chains.first?.verifiedBlocks == 2)
    }

    @Test("the deleted head block: missing_block at the head height the chain records")
    func deletedHead() throws {
        let report = try auditAfter { raw, _ in
            try raw.queue.write { db in try db.execute(sql: "DELETE FROM ledgerBlock WHERE chainId = ? AND height = 4", arguments: [Self.chainID]) }
        }
        expectFirstProblem(report, .missingBlock, height: 4, "block 4 is missing; the chain's head is 4")
    }

    @Test("two blocks swapped: chain lmuc/mec-1 height 2: bad_height, the block there says height 3")
    func swappedBlocks() throws {
        let report = try auditAfter { raw, _ in
            try raw.queue.write { db in
                let columns = "hash, previousHash, header, certificate, txCount"
                let two = try Row.fetchOne(db, sql: "SELECT \(columns) FROM ledgerBlock WHERE chainId = ? AND height = 2", arguments: [Self.chainID])
                let three = try Row.fetchOne(db, sql: "SELECT \(columns) FROM ledgerBlock WHERE chainId = ? AND height = 3", arguments: [Self.chainID])
                for (height, row) in [(2, three), (3, two)] {
                    guard let row else { continue }
                    try db.execute(sql: "UPDATE ledgerBlock SET hash = ?, previousHash = ?, header = ?, certificate = ?, txCount = ? WHERE chainId = ? AND height = ?",
                                   arguments: [row[0], row[1], row[2], row[3], row[4], Self.chainID, height])
                }
            }
        }
        expectFirstProblem(report, .badHeight, height: 2, "chain lmuc/mec-1 height 2: bad_height: the block says height 3, expected 2")
    }

    @Test("bytes that no longer parse are reported as corrupt_row, never a crash")
    func unparsableRow() throws {
        let report = try auditAfter { raw, _ in
            try raw.queue.write { db in
                try db.execute(sql: "UPDATE ledgerBlock SET header = substr(header, 2) WHERE chainId = ? AND height = 1", arguments: [Self.chainID])
            }
        }
        expectFirstProblem(report, .corruptRow, height: 1, "stored header does not decode")
    }

    @Test("a stored hash column edited to match nothing: bad_block_hash")
    func editedHashColumn() throws {
        let report = try auditAfter { raw, _ in
            try raw.queue.write { db in
                try db.execute(sql: "UPDATE ledgerBlock SET hash = ? WHERE chainId = ? AND height = 4",
                               arguments: [String(repeating: "0", count: 64), Self.chainID])
            }
        }
        expectFirstProblem(report, .badBlockHash, height: 4, "stored hash")
    }
}

struct CorruptSchemaTests {
    @Test("ledger tables rebuilt without STRICT, holding NULLs and mistyped values, are reported as corrupt_row, never a crash")
    func mistypedRows() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/weird.sqlite"
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                CREATE TABLE ledgerChain (id, kind, genesisHash, headHeight, headHash, epochs);
                CREATE TABLE ledgerBlock (chainId, height, hash, previousHash, header, certificate, txCount);
                CREATE TABLE ledgerTransaction (chainId, height, position, hash, kind, body);
                CREATE TABLE ledgerBlob (digest, size, bytes);
                INSERT INTO ledgerChain VALUES ('lmuc/x', 'lmuc', NULL, 'abc', 1, x'00');
                INSERT INTO ledgerChain VALUES (NULL, 7, 7, 7, 7, 7);
                INSERT INTO ledgerBlock VALUES ('lmuc/x', 'zero', NULL, 5, x'ff00', 3.5, 'many');
                INSERT INTO ledgerBlob VALUES (NULL, 'x', 'text');
                """)
        }
        let report = LedgerAudit.verify(file: path)
        #expect(report.problems.map(\.code) == [.corruptRow, .corruptRow])
        #expect(report.problems.first?.description.hasPrefix("chain lmuc/x height 0: corrupt_row: a ledgerBlock row does not decode") == true)
        #expect(report.blobProblems.first?.description == "corrupt_row: blob row 1 does not decode (a column has the wrong type or is NULL)")
    }
}
