import Foundation
import GRDB
import StrataCrypto

/// The result of auditing one SQLite file: each chain's summary and every blob's check.
public struct LedgerAuditReport: Sendable {
    public let file: String
    public let chains: [ChainAuditSummary]
    public let blobs: Int
    /// Problems in file order: at most one per chain (its first bad block), then bad blobs.
    public let problems: [LedgerError]
    /// The problems found in the blob table (also in `problems`).
    public var blobProblems: [LedgerError] = []
    /// False when the file has no ledger tables (another service's database): nothing to audit.
    public let hasLedger: Bool
    /// The cross-chain references in verified blocks, for `LedgerAudit.checkReferences`.
    public var references: [StoredReference] = []

    public var ok: Bool { problems.isEmpty }
}

/// End-to-end audit of stored ledgers (`strata ledger verify`): every chain replayed from genesis
/// through the validation rules, every stored column checked against its bytes, every blob re-hashed.
/// Reads only; a corrupt row is reported, never trusted and never a crash.
public enum LedgerAudit {
    /// Audits the SQLite file at `path`, opened read-only.
    public static func verify(file path: String) -> LedgerAuditReport {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in try verify(db, file: path) }
        } catch {
            let problem = (error as? LedgerError) ?? LedgerError(.storage, "\(path) cannot be read as an SQLite ledger: \(error)")
            return LedgerAuditReport(file: path, chains: [], blobs: 0, problems: [problem], hasLedger: true)
        }
    }

    /// Audits an open store.
    public static func verify(store: LedgerStore, file: String = "(store)") throws(LedgerError) -> LedgerAuditReport {
        try store.read { db in try verify(db, file: file) }
    }

    static func verify(_ db: Database, file: String) throws -> LedgerAuditReport {
        guard try db.tableExists("ledgerChain"), try db.tableExists("ledgerBlock") else {
            return LedgerAuditReport(file: file, chains: [], blobs: 0, problems: [], hasLedger: false)
        }
        let ids = try String?.fetchAll(db, sql: """
            SELECT id FROM ledgerChain WHERE typeof(id) = 'text' UNION SELECT chainId FROM ledgerBlock WHERE typeof(chainId) = 'text' ORDER BY 1
            """).compactMap { $0 }
        var summaries = [ChainAuditSummary]()
        var problems = [LedgerError]()
        var references = [Digest: (chain: String, height: Int64)]()
        for id in ids {
            let summary = ChainAudit.verify(db, chain: id)
            summaries.append(summary)
            if let problem = summary.problem { problems.append(problem) }
            for reference in (try? blobReferences(db, chain: id)) ?? [] where references[reference.digest] == nil {
                references[reference.digest] = (id, reference.height)
            }
        }
        let (count, blobProblems) = checkBlobs(db, references: references)
        var crossReferences = [StoredReference]()
        for summary in summaries {
            guard let verified = summary.state?.height else { continue }
            crossReferences += (try? StoredReference.fetchAll(db, chain: summary.chain, upTo: verified)) ?? []
        }
        return LedgerAuditReport(file: file, chains: summaries, blobs: count, problems: problems + blobProblems,
                                 blobProblems: blobProblems, hasLedger: true, references: crossReferences)
    }

    /// The model blobs that local updates and aggregates of `chain` refer to.
    static func blobReferences(_ db: Database, chain: String) throws -> [(digest: Digest, height: Int64)] {
        let rows = try TransactionRecord.filter(Column("chainId") == chain && ["local_update", "aggregate"].contains(Column("kind")))
            .order(Column("height"), Column("position")).fetchAll(db)
        var references = [(digest: Digest, height: Int64)]()
        for row in rows {
            guard let transaction = try? row.decode() else { continue }
            switch transaction.payload {
            case .localUpdate(let update): references.append((update.model, row.height))
            case .aggregate(let aggregate): references.append((aggregate.model, row.height))
            default: break
            }
        }
        return references
    }

    /// Every blob must hash to its content address and have its recorded size.
    static func checkBlobs(_ db: Database, references: [Digest: (chain: String, height: Int64)]) -> (Int, [LedgerError]) {
        var count = 0
        var problems = [LedgerError]()
        do {
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM ledgerBlob ORDER BY digest")
            while let raw = try rows.next() {
                count += 1
                guard let row = try? BlobRecord(row: raw) else {
                    problems.append(LedgerError(.corruptRow, "blob row \(count) does not decode (a column has the wrong type or is NULL)"))
                    continue
                }
                let bytes = [UInt8](row.bytes)
                let actual = SHA256.hash(bytes)
                guard actual.hex != row.digest || row.size != Int64(bytes.count) else { continue }
                let place = (try? Digest(hex: row.digest)).flatMap { references[$0] }
                let user = place.map { " (the model of a transaction at height \($0.height))" } ?? ""
                problems.append(LedgerError(.blobMismatch, "blob \(row.digest.prefix(16))\(user) holds \(bytes.count) bytes that hash to \(actual.hex.prefix(16))",
                                            chain: place?.chain, height: place?.height))
            }
        } catch {
            problems.append(LedgerError(.storage, "reading blobs: \(error)"))
        }
        return (count, problems)
    }
}
