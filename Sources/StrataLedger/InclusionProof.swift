public import StrataCrypto

/// A self-contained proof that a transaction is in a committed block (`strata ledger proof`):
/// the block header and certificate, the transaction hash, and its Merkle audit path with the side
/// of each sibling, so a verifier needs nothing but SHA-256 (see docs/ledger.md for a Python check).
public struct TransactionInclusionProof: Codable, Sendable, Hashable {
    public static let typeTag = "strata.tx-proof/1"

    public var type: String
    public var chain: String
    public var height: Int64
    public var blockHash: Digest
    public var header: BlockHeader
    public var certificate: QuorumCertificate
    public var transaction: Digest
    public var leafIndex: Int
    public var treeSize: Int
    /// From the leaf upwards; `side` says where the sibling sits: `left` means H(0x01 ‖ sibling ‖ node).
    public var siblings: [ProofStep]
    public var merkleRoot: Digest

    public init(block: Block, blockHash: Digest, position: Int) throws(LedgerError) {
        let tree = Block.merkleTree(of: block.transactions)
        let proof: MerkleProof
        do { proof = try tree.proof(forLeafAt: position) } catch { throw LedgerError(.badProof, error.message) }
        self.type = TransactionInclusionProof.typeTag
        self.chain = block.chain
        self.height = block.height
        self.blockHash = blockHash
        self.header = block.header
        self.certificate = block.certificate
        self.transaction = block.transactions[position].hash
        self.leafIndex = position
        self.treeSize = proof.treeSize
        self.siblings = zip(proof.siblings, TransactionInclusionProof.sides(leafIndex: position, treeSize: proof.treeSize, count: proof.siblings.count))
            .map { ProofStep(side: $1, hash: $0) }
        self.merkleRoot = tree.root
    }

    /// The side of each sibling on the RFC 9162 §2.1.3.2 audit path of `leafIndex` in a tree of
    /// `treeSize`: the verification loop of that section, recording which way it combines.
    static func sides(leafIndex: Int, treeSize: Int, count: Int) -> [String] {
        var sides = [String]()
        var fn = leafIndex
        var sn = treeSize - 1
        for _ in 0..<count {
            if fn & 1 == 1 || fn == sn {
                sides.append("left")
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sides.append("right")
            }
            fn >>= 1
            sn >>= 1
        }
        return sides
    }

    /// Checks the proof: the path leads from the transaction to `merkleRoot`, the header carries that
    /// root and hashes to `blockHash`, and the certificate's signatures are valid commit votes for it.
    /// Returns the number of valid certificate signatures. Which keys form a quorum is the caller's
    /// knowledge (the chain's member set); this check proves who signed.
    @discardableResult
    public func verify() throws(LedgerError) -> Int {
        guard type == TransactionInclusionProof.typeTag else { throw LedgerError(.badProof, "not a \(TransactionInclusionProof.typeTag) document") }
        guard siblings.count <= LedgerLimits.maxProofSiblings, (0..<treeSize).contains(leafIndex) else {
            throw LedgerError(.badProof, "leaf index \(leafIndex) of \(treeSize) with \(siblings.count) siblings is impossible")
        }
        var node = MerkleTree.leafHash(transaction.bytes)
        for step in siblings {
            switch step.side {
            case "left": node = SHA256.hash(parts: [[0x01], step.hash.bytes, node.bytes])
            case "right": node = SHA256.hash(parts: [[0x01], node.bytes, step.hash.bytes])
            default: throw LedgerError(.badProof, "sibling side \"\(step.side.prefix(10))\" is not left or right")
            }
        }
        guard node == merkleRoot else {
            throw LedgerError(.badProof, "the path from transaction \(transaction.hex.prefix(16)) leads to \(node.hex.prefix(16)), not the Merkle root \(merkleRoot.hex.prefix(16))")
        }
        let standard = MerkleProof(leafIndex: leafIndex, treeSize: treeSize, siblings: siblings.map(\.hash))
        guard standard.verify(leafHash: MerkleTree.leafHash(transaction.bytes), root: merkleRoot), Int64(treeSize) == header.txCount else {
            throw LedgerError(.badProof, "the sibling sides do not match leaf index \(leafIndex) of a \(treeSize)-leaf tree")
        }
        do { try header.checkFields() } catch { throw LedgerError(.badProof, "header: \(error.message)") }
        guard header.txRoot == merkleRoot, header.chain == chain, header.height == height else {
            throw LedgerError(.badProof, "the header's chain, height or txRoot is not the proof's")
        }
        let hash = try header.hash()
        guard hash == blockHash else {
            throw LedgerError(.badProof, "the header hashes to \(hash.hex.prefix(16)), not the block hash \(blockHash.hex.prefix(16))")
        }
        let signers: MemberSet
        do { signers = try MemberSet(hex: certificate.signatures.map(\.member)) } catch { throw LedgerError(.badProof, "certificate: \(error.message)") }
        do { try certificate.verify(header: header, headerHash: hash, members: signers) } catch {
            throw LedgerError(.badProof, "certificate: \(error.message)")
        }
        return certificate.signatures.count
    }
}

/// One sibling of a Merkle audit path and the side it sits on.
public struct ProofStep: Codable, Sendable, Hashable {
    public var side: String
    public var hash: Digest
    public init(side: String, hash: Digest) {
        self.side = side
        self.hash = hash
    }
}
