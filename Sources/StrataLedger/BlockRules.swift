import StrataCrypto

/// The rules one block must keep given the member set in force at its height.
enum BlockRules {
    /// Checks proposer, certificate, transactions and Merkle root; returns the header hash.
    static func check(_ block: Block, chain: ChainID, members: MemberSet) throws(LedgerError) -> Digest {
        let header = block.header
        try header.checkFields()
        let hash = try header.hash()
        let proposer = try LedgerKey.parse(header.proposer, field: "proposer")
        guard members.contains(proposer) else {
            throw LedgerError(.badProposer, "proposer \(proposer.shortID) is not in the member set of height \(header.height)")
        }
        guard block.certificate.signatures.count <= LedgerLimits.maxMembers else {
            throw LedgerError(.tooLarge, "the certificate has \(block.certificate.signatures.count) signatures")
        }
        try block.certificate.verify(header: header, headerHash: hash, members: members)
        guard block.transactions.count <= LedgerLimits.maxTransactionsPerBlock else {
            throw LedgerError(.tooLarge, "\(block.transactions.count) transactions exceed \(LedgerLimits.maxTransactionsPerBlock)")
        }
        var seen = Set<Digest>()
        for (index, transaction) in block.transactions.enumerated() {
            do throws(LedgerError) {
                guard seen.insert(transaction.hash).inserted else { throw LedgerError(.badTransaction, "it repeats an earlier transaction") }
                try TransactionRules.check(transaction, chain: chain, members: members)
            } catch {
                throw LedgerError(error.code, "transaction \(index) (\(transaction.hash.hex.prefix(16))): \(error.message)")
            }
        }
        guard header.txCount == Int64(block.transactions.count) else {
            throw LedgerError(.badMerkleRoot, "the header counts \(header.txCount) transactions, the block has \(block.transactions.count)")
        }
        let root = Block.merkleTree(of: block.transactions).root
        guard root == header.txRoot else {
            throw LedgerError(.badMerkleRoot, "the transactions hash to Merkle root \(root.hex.prefix(16)), the header says \(header.txRoot.hex.prefix(16))")
        }
        return hash
    }
}

/// The rules one transaction must keep inside a block.
enum TransactionRules {
    static func check(_ transaction: Transaction, chain: ChainID, members: MemberSet) throws(LedgerError) {
        guard transaction.chain == chain else {
            throw LedgerError(.badTransaction, "it is for chain \(transaction.chain), not \(chain)")
        }
        guard transaction.hasValidSignature else {
            throw LedgerError(.badTxSignature, "the signature by \(transaction.signer.shortID) does not verify")
        }
        switch transaction.payload {
        case .localUpdate(let update):
            guard update.device == transaction.signer.hex else {
                throw LedgerError(.badTransaction, "a local update must be signed by its device \(update.device.prefix(8))")
            }
        case .deviceRegistration(let registration):
            guard registration.device == transaction.signer.hex else {
                throw LedgerError(.badTransaction, "a device registration must be signed by the device \(registration.device.prefix(8))")
            }
        case .mecRegistration(let registration):
            guard registration.mec == transaction.signer.hex else {
                throw LedgerError(.badTransaction, "an MEC registration must be signed by the MEC \(registration.mec.prefix(8))")
            }
        case .memberSetChange, .shardFormation:
            guard members.contains(transaction.signer) else {
                throw LedgerError(.unknownMember, "\(transaction.payload.kind) signed by \(transaction.signer.shortID), who is not a member")
            }
        case .crossChainReference(let reference):
            try ReferenceRules.check(reference)
        default:
            break
        }
    }
}

/// A cross-chain reference proves its transaction sits under the referenced header's Merkle root and
/// that the header carries well-formed, valid commit signatures. Whether those signers form a quorum of
/// the other chain's member set needs that chain's history; `LedgerAudit` checks it for chains it holds.
enum ReferenceRules {
    static func check(_ reference: CrossChainReference) throws(LedgerError) {
        let header = reference.header
        do { try header.checkFields() } catch { throw LedgerError(.badReference, "referenced header: \(error.message)") }
        guard reference.proof.verify(leafHash: MerkleTree.leafHash(reference.transaction.bytes), root: header.txRoot),
              reference.proof.treeSize == Int(header.txCount) else {
            throw LedgerError(.badReference, "the inclusion proof of \(reference.transaction.hex.prefix(16)) does not lead to the referenced txRoot")
        }
        let signers: MemberSet
        do { signers = try MemberSet(hex: reference.certificate.signatures.map(\.member)) } catch {
            throw LedgerError(.badReference, "referenced certificate: \(error.message)")
        }
        do {
            try reference.certificate.verify(header: header, headerHash: try header.hash(), members: signers)
        } catch {
            throw LedgerError(.badReference, "referenced certificate: \(error.message)")
        }
    }
}
