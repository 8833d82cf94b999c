import Foundation
import GRDB
import Testing
import StrataCrypto
@testable import StrataLedger

/// Runs the built `strata` binary (package root/.build/debug/strata) as a real process.
struct StrataBinary {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var output: String { stdout + stderr }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let path = packageRoot.appendingPathComponent(".build/debug/strata").path

    static func run(_ arguments: [String], program executable: String = path, stdin: Data? = nil) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw MissingBinary(path: executable)
        }
        // Output goes to files, not pipes: a chatty process can never block on a full pipe.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strata-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let input = Pipe()
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stdoutData = try Data(contentsOf: outURL)
        let stderrData = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    struct MissingBinary: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing or not executable: run `swift build` (or `make build`) first" }
    }
}

struct LedgerCLITests {
    static let chainID = "lmuc/mec-1"

    /// A data folder as services leave it: an MEC file in a subfolder, another service's database.
    func makeDataFolder() throws -> (TemporaryFolder, String) {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/mec-1", withIntermediateDirectories: true)
        let file = folder.path + "/mec-1/ledger.sqlite"
        try writeLedger(file, chains: [try TestChain.make(chain: ChainID(Self.chainID), blocks: 5, transactionsPerBlock: 4),
                                       try TestChain.make(chain: ChainID("shard/task-1"), blocks: 3, seed: 4)])
        try Data("not a ledger".utf8).write(to: URL(fileURLWithPath: folder.path + "/notes.txt"))
        return (folder, file)
    }

    @Test("strata ledger verify --data-dir finds every *.sqlite, reports each chain ok and exits 0")
    func verifyGood() throws {
        let (folder, _) = try makeDataFolder()
        defer { folder.remove() }
        let result = try StrataBinary.run(["ledger", "verify", "--data-dir", folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("ok   lmuc/mec-1: 5 blocks, 20 transactions, head 4"))
        #expect(result.stdout.contains("ok   shard/task-1: 3 blocks"))
        #expect(result.stdout.contains("ledger verify: OK: 2 chain(s) in 1 file(s)"))
    }

    @Test("strata ledger verify exits 1 and names chain, height and reason for each tampering", arguments: LedgerTampering.allCases)
    func verifyTampered(tampering: LedgerTampering) throws {
        let (folder, file) = try makeDataFolder()
        defer { folder.remove() }
        try tampering.apply(to: RawLedgerFile(file), chain: Self.chainID)
        let result = try StrataBinary.run(["ledger", "verify", "--db", file])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("ledger verify: FAILED: 1 problem(s); first: \(tampering.expected)"), "\(result.output)")
        #expect(result.stdout.contains("ok   shard/task-1: 3 blocks"), "the other chain in the file still verifies")

        let json = try StrataBinary.run(["ledger", "verify", "--db", file, "--json"])
        #expect(json.status == 1)
        #expect(json.stdout.contains(#""ok":false"#) && json.stdout.contains(tampering.expected), "\(json.stdout)")
    }

    @Test("a proof printed by strata ledger proof passes check-proof and the Python check; a changed one fails both")
    func proofRoundTrip() throws {
        let (folder, _) = try makeDataFolder()
        defer { folder.remove() }
        let chain = try TestChain.make(chain: ChainID(Self.chainID), blocks: 5, transactionsPerBlock: 4)
        let target = chain.blocks[3].transactions[2].hash.hex
        let proof = try StrataBinary.run(["ledger", "proof", target, "--data-dir", folder.path])
        #expect(proof.status == 0, "\(proof.output)")
        #expect(proof.stdout.contains(#""transaction" : "\#(target)""#))

        let proofFile = folder.path + "/proof.json"
        try Data(proof.stdout.utf8).write(to: URL(fileURLWithPath: proofFile))
        let checked = try StrataBinary.run(["ledger", "check-proof", proofFile])
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.stdout.contains("check-proof: OK: transaction \(target) is leaf 2 of 4 in block 3"))

        let script = StrataBinary.packageRoot.appendingPathComponent("Tests/python/ledger_proof_check.py").path
        let python = try StrataBinary.run([script, proofFile], program: "/usr/bin/python3")
        #expect(python.status == 0, "\(python.output)")
        #expect(python.stdout.contains("proof OK: leaf 2 of 4 in block 3 of lmuc/mec-1"), "\(python.output)")

        let forged = Data(proof.stdout.replacingOccurrences(of: #""time" : "#, with: #""time" : 9"#).utf8)
        let rejected = try StrataBinary.run(["ledger", "check-proof", "-"], stdin: forged)
        #expect(rejected.status == 1)
        #expect(rejected.stderr.contains("check-proof: FAILED: bad_proof: the header hashes to"), "\(rejected.output)")
        let pythonRejected = try StrataBinary.run([script, "-"], program: "/usr/bin/python3", stdin: forged)
        #expect(pythonRejected.status == 1, "\(pythonRejected.output)")
    }

    @Test("an unreadable *.sqlite in the data folder fails the audit by name; proofs still come from the good file")
    func unreadableFile() throws {
        let (folder, _) = try makeDataFolder()
        defer { folder.remove() }
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: folder.path + "/broken.sqlite"))
        let result = try StrataBinary.run(["ledger", "verify", "--data-dir", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("first: storage: \(folder.path)/broken.sqlite cannot be read as an SQLite ledger"), "\(result.output)")
        #expect(result.stdout.contains("ok   lmuc/mec-1: 5 blocks"))

        let chain = try TestChain.make(chain: ChainID(Self.chainID), blocks: 5, transactionsPerBlock: 4)
        let proof = try StrataBinary.run(["ledger", "proof", chain.blocks[1].transactions[0].hash.hex, "--data-dir", folder.path])
        #expect(proof.status == 0 && proof.stderr.contains("skipping \(folder.path)/broken.sqlite"), "\(proof.output)")
    }

    @Test("bad arguments and missing things give a clear message and a non-zero exit")
    func badInput() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let missing = try StrataBinary.run(["ledger", "verify", "--db", folder.path + "/absent.sqlite"])
        #expect(missing.status != 0 && missing.stderr.contains("no such file"), "\(missing.output)")
        let empty = try StrataBinary.run(["ledger", "verify", "--data-dir", folder.path])
        #expect(empty.status != 0 && empty.stderr.contains("no *.sqlite files under"), "\(empty.output)")
        let badID = try StrataBinary.run(["ledger", "proof", "xyz", "--data-dir", folder.path])
        #expect(badID.status != 0 && badID.stderr.contains("64 lowercase hex digits"), "\(badID.output)")
        let garbage = try StrataBinary.run(["ledger", "check-proof", "-"], stdin: Data("{}".utf8))
        #expect(garbage.status == 1 && garbage.stderr.contains("is not a strata.tx-proof/1 document"), "\(garbage.output)")
    }
}

/// The direct edits of a ledger file the audit must catch, with the first problem it must report.
enum LedgerTampering: String, CaseIterable, CustomTestStringConvertible {
    case headerByte, transactionByte, blobByte, signatureByte, deletedBlock, swappedBlocks

    var testDescription: String { rawValue }

    var expected: String {
        switch self {
        case .headerByte: "chain lmuc/mec-1 height 2: bad_qc: the certificate is for block"
        case .transactionByte: "chain lmuc/mec-1 height 3: bad_tx_signature: transaction 3"
        case .blobByte: "chain lmuc/mec-1 height 1: blob_mismatch: blob"
        case .signatureByte: "chain lmuc/mec-1 height 1: bad_qc: the commit signature of member"
        case .deletedBlock: "chain lmuc/mec-1 height 2: missing_block: block 2 is missing; the next stored block is 3"
        case .swappedBlocks: "chain lmuc/mec-1 height 2: bad_height: the block says height 3, expected 2"
        }
    }

    func apply(to raw: RawLedgerFile, chain: String) throws {
        switch self {
        case .headerByte:
            try raw.flipDigit(table: "ledgerBlock", column: "header", chain: chain, height: 2, after: #""time":"#)
        case .transactionByte:
            try raw.flipDigit(table: "ledgerTransaction", column: "body", chain: chain, height: 3, position: 3, after: #""amount":"#)
        case .blobByte:
            try raw.queue.write { db in
                let body = try String.fetchOne(db, sql: "SELECT body FROM ledgerTransaction WHERE chainId = ? AND height = 1 AND kind = 'local_update'",
                                               arguments: [chain]) ?? ""
                guard case .localUpdate(let update) = try Transaction.decode(Array(body.utf8)).payload else { return }
                var bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM ledgerBlob WHERE digest = ?", arguments: [update.model.hex]) ?? Data()
                bytes[bytes.startIndex + 17] ^= 0x80
                try db.execute(sql: "UPDATE ledgerBlob SET bytes = ? WHERE digest = ?", arguments: [bytes, update.model.hex])
            }
        case .signatureByte:
            try raw.flipDigit(table: "ledgerBlock", column: "certificate", chain: chain, height: 1, after: #""sig":""#)
        case .deletedBlock:
            try raw.queue.write { db in try db.execute(sql: "DELETE FROM ledgerBlock WHERE chainId = ? AND height = 2", arguments: [chain]) }
        case .swappedBlocks:
            // Renumber the two block rows as a raw SQL user would, foreign keys off.
            try raw.queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "UPDATE ledgerBlock SET height = -1 WHERE chainId = ? AND height = 2", arguments: [chain])
                try db.execute(sql: "UPDATE ledgerBlock SET height = 2 WHERE chainId = ? AND height = 3", arguments: [chain])
                try db.execute(sql: "UPDATE ledgerBlock SET height = 3 WHERE chainId = ? AND height = -1", arguments: [chain])
            }
        }
    }
}
