import Testing
import StrataCrypto
@testable import StrataLedger

struct CrossChainAuditTests {
    /// An LMUC and a shard chain whose blocks 2 and 3 reference LMUC block 2: the first with the LMUC's
    /// real certificate, the second with a certificate the shard's own members signed.
    func makeChains() throws -> (lmuc: TestChain, shard: Block, forged: Block, shardChain: TestChain) {
        let lmuc = try TestChain.make(chain: ChainID("lmuc/mec-1"), blocks: 3)
        let shard = try TestChain.make(chain: ChainID("shard/task-1"), blocks: 2, seed: 5)
        let referenced = lmuc.blocks[2]
        let proof = try Block.merkleTree(of: referenced.transactions).proof(forLeafAt: 1)
        let honest = CrossChainReference(header: referenced.header, certificate: referenced.certificate,
                                         transaction: referenced.transactions[1].hash, proof: proof)
        var forgedReference = honest
        forgedReference.certificate = try QuorumCertificate.sign(referenced.header, with: shard.quorumKeys())
        let block2 = try Block.seal(chain: shard.chain, height: 2, previous: shard.state.headHash,
                                    transactions: [try Transaction.signed(chain: shard.chain, nonce: 1, payload: .crossChainReference(honest), key: shard.memberKeys[0])],
                                    proposer: shard.memberKeys[2].publicKey, voters: shard.quorumKeys(), time: 3)
        let block3 = try Block.seal(chain: shard.chain, height: 3, previous: try block2.header.hash(),
                                    transactions: [try Transaction.signed(chain: shard.chain, nonce: 2, payload: .crossChainReference(forgedReference), key: shard.memberKeys[0])],
                                    proposer: shard.memberKeys[3].publicKey, voters: shard.quorumKeys(), time: 4)
        return (lmuc, block2, block3, shard)
    }

    @Test("a reference certified by strangers passes the block rules but not the audit that holds the referenced chain")
    func forgedReference() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (lmuc, block2, block3, shard) = try makeChains()
        let path = folder.path + "/mec.sqlite"
        try writeLedger(path, chains: [lmuc, shard])
        let store = try LedgerStore.open(path: path)
        try store.append(block2)
        try store.append(block3)

        let report = LedgerAudit.verify(file: path)
        #expect(report.ok, "each chain verifies on its own: \(report.problems)")
        let references = LedgerAudit.checkReferences([report])
        #expect(references.checked == 2 && references.unresolved == 0)
        // The certificate lists signers in ascending key order; the first is checked first.
        let firstSigner = try #require(shard.quorumKeys().map(\.publicKey).min { $0.hex < $1.hex })
        #expect(references.problems.map(\.description) == [
            "chain shard/task-1 height 3: bad_reference: the reference to lmuc/mec-1 height 2 is not certified by that chain's members: "
                + "certificate signer \(firstSigner.shortID) is not in the member set of height 2",
        ])
    }

    @Test("without the referenced chain, references are counted as unresolved, not as verified")
    func unresolved() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, block2, block3, shard) = try makeChains()
        let path = folder.path + "/shard.sqlite"
        try writeLedger(path, chains: [shard])
        let store = try LedgerStore.open(path: path)
        try store.append(block2)
        try store.append(block3)
        let references = LedgerAudit.checkReferences([LedgerAudit.verify(file: path)])
        #expect(references.checked == 0 && references.unresolved == 2 && references.problems.isEmpty)
    }
}
