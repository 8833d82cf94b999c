import GRDB

/// A cross-chain reference found in a verified block: which chain and height hold it.
public struct StoredReference: Sendable, Hashable {
    public let chain: String
    public let height: Int64
    public let reference: CrossChainReference

    static func fetchAll(_ db: Database, chain: String, upTo height: Int64) throws -> [StoredReference] {
        let rows = try TransactionRecord
            .filter(Column("chainId") == chain && Column("kind") == "cross_chain_reference" && Column("height") <= height)
            .order(Column("height"), Column("position")).fetchAll(db)
        return rows.compactMap { row in
            guard case .crossChainReference(let reference)? = try? row.decode().payload else { return nil }
            return StoredReference(chain: chain, height: row.height, reference: reference)
        }
    }
}

/// The result of checking cross-chain references against the chains an audit holds.
public struct CrossChainAuditResult: Sendable {
    /// References whose certificate was checked against the referenced chain's member set.
    public let checked: Int
    /// References to chains (or heights) not held by the audited files: only their proof and
    /// signatures were checked, by the block rules.
    public let unresolved: Int
    public let problems: [LedgerError]
}

extension LedgerAudit {
    /// Checks each reference's certificate against the member set in force at the referenced height
    /// of the referenced chain, wherever one of `reports` verified that chain that far (paper §III:
    /// a shard chain accepts an LMUC block only with a quorum of that LMUC's members).
    public static func checkReferences(_ reports: [LedgerAuditReport]) -> CrossChainAuditResult {
        var states = [String: ChainState]()
        for report in reports {
            for summary in report.chains {
                guard let state = summary.state else { continue }
                if let known = states[summary.chain], known.height >= state.height { continue }
                states[summary.chain] = state
            }
        }
        var checked = 0
        var unresolved = 0
        var problems = [LedgerError]()
        for stored in reports.flatMap(\.references) {
            let header = stored.reference.header
            guard let state = states[header.chain], header.height <= state.height, let members = state.members(at: header.height) else {
                unresolved += 1
                continue
            }
            checked += 1
            do {
                try stored.reference.certificate.verify(header: header, headerHash: try header.hash(), members: members)
            } catch {
                problems.append(LedgerError(.badReference, "the reference to \(header.chain) height \(header.height) is not certified by that chain's members: \(error.message)",
                                            chain: stored.chain, height: stored.height))
            }
        }
        return CrossChainAuditResult(checked: checked, unresolved: unresolved, problems: problems)
    }
}
