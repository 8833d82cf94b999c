import Testing
import StrataCrypto
@testable import StrataLedger

struct InclusionProofTests {
    @Test("every transaction of blocks of 1…9 transactions has a proof that verifies, sides included", arguments: Array(1...9))
    func everyLeaf(count: Int) throws {
        let chain = try TestChain.make(blocks: 2, transactionsPerBlock: count)
        let block = chain.blocks[1]
        for position in 0..<count {
            let proof = try TransactionInclusionProof(block: block, blockHash: try block.header.hash(), position: position)
            #expect(try proof.verify() == 3, "leaf \(position) of \(count)")
            #expect(proof.siblings.count == MerkleProofDepth.expected(leafIndex: position, treeSize: count))
        }
    }

    @Test("a proof fails for a changed transaction, sibling, side, root or header")
    func tampering() throws {
        let chain = try TestChain.make(blocks: 2, transactionsPerBlock: 5)
        let block = chain.blocks[1]
        let proof = try TransactionInclusionProof(block: block, blockHash: try block.header.hash(), position: 2)
        var otherTransaction = proof
        otherTransaction.transaction = block.transactions[3].hash
        expectLedgerError(.badProof, containing: "leads to") { try otherTransaction.verify() }
        var otherSibling = proof
        otherSibling.siblings[0].hash = SHA256.hash("x")
        expectLedgerError(.badProof) { try otherSibling.verify() }
        var otherSide = proof
        otherSide.siblings[0].side = otherSide.siblings[0].side == "left" ? "right" : "left"
        expectLedgerError(.badProof) { try otherSide.verify() }
        var otherHeader = proof
        otherHeader.header.time += 1
        expectLedgerError(.badProof, containing: "header hashes to") { try otherHeader.verify() }
        var otherSignature = proof
        otherSignature.certificate.signatures[0].sig = Hex.encode(chain.memberKeys[3].sign([1, 2, 3]))
        expectLedgerError(.badProof, containing: "certificate") { try otherSignature.verify() }
    }

    @Test("the store proves a transaction by its hash")
    func fromStore() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let chain = try TestChain.make(blocks: 4, transactionsPerBlock: 6)
        try writeLedger(folder.path + "/l.sqlite", chains: [chain])
        let store = try #require(try LedgerStore.open(readOnly: folder.path + "/l.sqlite"))
        let target = chain.blocks[2].transactions[5]
        let proof = try store.inclusionProof(transaction: target.hash)
        #expect(proof.height == 2 && proof.leafIndex == 5 && proof.treeSize == 6)
        #expect(try proof.verify() == 3)
        expectLedgerError(.notFound) { _ = try store.inclusionProof(transaction: SHA256.hash("nothing")) }
    }
}

/// The audit-path length of RFC 9162: the number of levels at which the leaf's subtree has a sibling.
enum MerkleProofDepth {
    static func expected(leafIndex: Int, treeSize: Int) -> Int {
        guard treeSize > 1 else { return 0 }
        var k = 1
        while k << 1 < treeSize { k <<= 1 }
        return 1 + (leafIndex < k ? expected(leafIndex: leafIndex, treeSize: k) : expected(leafIndex: leafIndex - k, treeSize: treeSize - k))
    }
}
