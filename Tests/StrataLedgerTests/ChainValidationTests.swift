import Testing
import StrataCrypto
@testable import StrataLedger

struct ChainValidationTests {
    @Test("a test chain of 4 members and 5 blocks validates end to end, deterministically")
    func validChain() throws {
        let chain = try TestChain.make(members: 4, blocks: 5)
        #expect(chain.blocks.count == 5)
        #expect(chain.state.height == 4)
        #expect(chain.state.nextMembers.count == 4)
        #expect(chain.state.nextMembers.quorum == 3)
        let again = try TestChain.make(members: 4, blocks: 5)
        #expect(again.state.headHash == chain.state.headHash, "same seed, same chain")
        #expect(try TestChain.make(members: 4, blocks: 5, seed: 2).state.headHash != chain.state.headHash)
        for block in chain.blocks { #expect(block.certificate.signatures.count == 3) }
    }

    @Test("quorum is 2f + 1 for n = 3f + 1 and more than two thirds otherwise")
    func quorumSizes() throws {
        var random = SplitMix64(seed: 9)
        let keys = (0..<10).map { _ in random.signingKey().publicKey }
        let expected = [1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 6: 5, 7: 5, 10: 7]
        for (n, quorum) in expected {
            #expect(try MemberSet(Array(keys.prefix(n))).quorum == quorum, "n = \(n)")
        }
        expectLedgerError(.malformed, containing: "twice") { _ = try MemberSet([keys[0], keys[0]]) }
    }

    @Test("a block whose previous hash is not its parent's hash is bad_hash_link at its height")
    func badHashLink() throws {
        let chain = try TestChain.make()
        let block = try chain.resealed(3) { $0.previous = SHA256.hash("elsewhere") }
        expectLedgerError(.badHashLink, height: 3, containing: "chain lmuc/test-1 height 3: bad_hash_link") {
            _ = try chain.state(before: 3).appending(block)
        }
    }

    @Test("a header whose Merkle root or count does not match its transactions is bad_merkle_root")
    func badMerkleRoot() throws {
        let chain = try TestChain.make()
        let wrongRoot = try chain.resealed(2) { $0.txRoot = SHA256.hash("other") }
        expectLedgerError(.badMerkleRoot, height: 2, containing: "Merkle root") { _ = try chain.state(before: 2).appending(wrongRoot) }
        let wrongCount = try chain.resealed(2) { $0.txCount = 2 }
        expectLedgerError(.badMerkleRoot, height: 2, containing: "counts 2") { _ = try chain.state(before: 2).appending(wrongCount) }
    }

    @Test("a certificate below quorum, for another block, or with a forged signature is bad_qc")
    func badCertificate() throws {
        let chain = try TestChain.make()
        let state = try chain.state(before: 2)
        let tooFew = try chain.resealed(2, voters: chain.quorumKeys(2))
        expectLedgerError(.badQC, height: 2, containing: "a quorum of 4 members is 3") { _ = try state.appending(tooFew) }

        let original = chain.blocks[2]
        let otherBlock = Block(header: original.header, certificate: chain.blocks[1].certificate, transactions: original.transactions)
        expectLedgerError(.badQC, height: 2, containing: "the certificate is for block") { _ = try state.appending(otherBlock) }

        var signatures = original.certificate.signatures
        signatures[1].sig = Hex.encode(chain.memberKeys[0].sign(Array("not the vote".utf8)))
        let forged = Block(header: original.header, certificate: QuorumCertificate(block: original.certificate.block, signatures: signatures),
                           transactions: original.transactions)
        expectLedgerError(.badQC, height: 2, containing: "does not verify") { _ = try state.appending(forged) }
    }

    @Test("a certificate signed by an outsider is unknown_member; one listing a member twice is bad_qc")
    func outsiderAndDuplicate() throws {
        let chain = try TestChain.make()
        let outsider = chain.deviceKeys[0]
        let block = try chain.resealed(2, voters: chain.quorumKeys(2) + [outsider])
        expectLedgerError(.unknownMember, height: 2, containing: "not in the member set of height 2") {
            _ = try chain.state(before: 2).appending(block)
        }
        let twice = try chain.resealed(2, voters: [chain.memberKeys[0], chain.memberKeys[0], chain.memberKeys[1]])
        expectLedgerError(.badQC, height: 2, containing: "distinct") { _ = try chain.state(before: 2).appending(twice) }
    }

    @Test("a block proposed by a non-member is bad_proposer")
    func badProposer() throws {
        let chain = try TestChain.make()
        let block = try chain.resealed(1, proposer: chain.deviceKeys[1].publicKey)
        expectLedgerError(.badProposer, height: 1, containing: "proposer") { _ = try chain.state(before: 1).appending(block) }
    }

    @Test("a transaction whose bytes changed after signing is bad_tx_signature")
    func badTransactionSignature() throws {
        let chain = try TestChain.make()
        let original = chain.blocks[2].transactions[0]
        let copy = try Transaction(chain: original.chain, nonce: original.nonce + 1000, signer: original.signer,
                                   payload: original.payload, signature: original.signature)
        let block = try chain.resealed(2, transactions: [copy] + chain.blocks[2].transactions.dropFirst())
        expectLedgerError(.badTxSignature, height: 2, containing: "transaction 0") { _ = try chain.state(before: 2).appending(block) }
    }

    @Test("transaction kind rules: update signed by its device, right chain, no repeats")
    func transactionRules() throws {
        let chain = try TestChain.make()
        let update = LocalUpdate(task: "t", round: 1, device: chain.deviceKeys[0].publicKey.hex, model: SHA256.hash("m"), modelBytes: 1, examples: 1)
        let byOther = try Transaction.signed(chain: chain.chain, nonce: 99, payload: .localUpdate(update), key: chain.deviceKeys[1])
        let block = try chain.resealed(1, transactions: [byOther])
        expectLedgerError(.badTransaction, height: 1, containing: "signed by its device") { _ = try chain.state(before: 1).appending(block) }

        let elsewhere = try Transaction.signed(chain: ChainID("lmuc/other"), nonce: 1, payload: .localUpdate(update), key: chain.deviceKeys[0])
        let wrongChain = try chain.resealed(1, transactions: [elsewhere])
        expectLedgerError(.badTransaction, height: 1, containing: "for chain lmuc/other") { _ = try chain.state(before: 1).appending(wrongChain) }

        let tx = chain.blocks[1].transactions[0]
        let repeated = try chain.resealed(1, transactions: [tx, tx])
        expectLedgerError(.badTransaction, height: 1, containing: "repeats") { _ = try chain.state(before: 1).appending(repeated) }
    }

    @Test("a member-set change takes effect at the next height, not its own")
    func memberSetChange() throws {
        let chain = try TestChain.make(members: 4, blocks: 3)
        var random = SplitMix64(seed: 77)
        let newcomers = (0..<3).map { _ in random.signingKey() }
        // The new set: members 0 and 1 stay, three newcomers join (n = 5, quorum 4).
        let newSet = [chain.memberKeys[0], chain.memberKeys[1]] + newcomers
        let change = try Transaction.signed(chain: chain.chain, nonce: 500,
                                            payload: .memberSetChange(MemberSetChange(members: newSet.map(\.publicKey.hex))), key: chain.memberKeys[0])
        let state2 = chain.state
        // Block 3 carries the change; the old set must certify it — the new set may not.
        let byNewSet = try Block.seal(chain: chain.chain, height: 3, previous: state2.headHash, transactions: [change],
                                      proposer: chain.memberKeys[0].publicKey, voters: Array(newSet.prefix(4)), time: 1)
        expectLedgerError(.unknownMember, height: 3) { _ = try state2.appending(byNewSet) }
        let block3 = try Block.seal(chain: chain.chain, height: 3, previous: state2.headHash, transactions: [change],
                                    proposer: chain.memberKeys[0].publicKey, voters: chain.quorumKeys(), time: 1)
        let state3 = try state2.appending(block3)
        #expect(state3.members(at: 3)?.count == 4)
        #expect(state3.members(at: 4)?.count == 5)

        // Block 4 must now be certified by the new set: the old quorum is not enough.
        let byOldSet = try Block.seal(chain: chain.chain, height: 4, previous: state3.headHash, transactions: [],
                                      proposer: chain.memberKeys[0].publicKey, voters: chain.quorumKeys(), time: 2)
        expectLedgerError(.unknownMember, height: 4) { _ = try state3.appending(byOldSet) }
        let block4 = try Block.seal(chain: chain.chain, height: 4, previous: state3.headHash, transactions: [],
                                    proposer: newcomers[0].publicKey, voters: Array(newSet.suffix(4)), time: 2)
        #expect(try state3.appending(block4).height == 4)
    }

    @Test("a member-set change signed by a non-member is unknown_member")
    func changeByOutsider() throws {
        let chain = try TestChain.make()
        let change = try Transaction.signed(chain: chain.chain, nonce: 1, payload: .memberSetChange(MemberSetChange(members: [chain.deviceKeys[0].publicKey.hex])),
                                            key: chain.deviceKeys[0])
        let block = try chain.resealed(1, transactions: [change])
        expectLedgerError(.unknownMember, height: 1, containing: "not a member") { _ = try chain.state(before: 1).appending(block) }
    }

    @Test("genesis must have height 0, zero previous hash and declare the member set")
    func genesisRules() throws {
        let chain = try TestChain.make()
        expectLedgerError(.badHeight, height: 1) { _ = try ChainState.genesis(chain.blocks[1]) }
        let noMembers = try chain.resealed(0, transactions: Array(chain.blocks[0].transactions.dropFirst()))
        expectLedgerError(.badTransaction, height: 0, containing: "declare the member set") { _ = try ChainState.genesis(noMembers) }
    }

    @Test("a cross-chain reference carries another chain's header, certificate and a proof that verifies")
    func crossChainReference() throws {
        let lmuc = try TestChain.make(chain: ChainID("lmuc/mec-1"), blocks: 3)
        let referenced = lmuc.blocks[2]
        let proof = try Block.merkleTree(of: referenced.transactions).proof(forLeafAt: 1)
        let reference = CrossChainReference(header: referenced.header, certificate: referenced.certificate,
                                            transaction: referenced.transactions[1].hash, proof: proof)
        let shard = try TestChain.make(chain: ChainID("shard/task-1"), blocks: 2, seed: 5)
        let good = try Transaction.signed(chain: shard.chain, nonce: 1, payload: .crossChainReference(reference), key: shard.memberKeys[0])
        #expect(try shard.state.appending(Block.seal(chain: shard.chain, height: 2, previous: shard.state.headHash, transactions: [good],
                                                     proposer: shard.memberKeys[2].publicKey, voters: shard.quorumKeys(), time: 3)).height == 2)

        var wrong = reference
        wrong.transaction = referenced.transactions[0].hash
        let bad = try Transaction.signed(chain: shard.chain, nonce: 2, payload: .crossChainReference(wrong), key: shard.memberKeys[0])
        expectLedgerError(.badReference, height: 2, containing: "inclusion proof") {
            _ = try shard.state.appending(Block.seal(chain: shard.chain, height: 2, previous: shard.state.headHash, transactions: [bad],
                                                     proposer: shard.memberKeys[2].publicKey, voters: shard.quorumKeys(), time: 3))
        }
    }
}

struct CommitVoteTests {
    @Test("votes signed one by one and collected in any order form the same certificate the chain accepts")
    func collectVotes() throws {
        let chain = try TestChain.make(blocks: 3)
        let header = chain.blocks[2].header
        let hash = try header.hash()
        let votes = chain.quorumKeys().reversed().map { CommitVote.sign(header, block: hash, with: $0) }
        #expect(votes.allSatisfy { CommitVote.isValid($0, header: header, block: hash) })
        #expect(!CommitVote.isValid(votes[0], header: chain.blocks[1].header, block: try chain.blocks[1].header.hash()))
        let certificate = QuorumCertificate(block: hash, signatures: votes)
        #expect(certificate == (try QuorumCertificate.sign(header, with: chain.quorumKeys())), "order of arrival does not matter")
        let block = Block(header: header, certificate: certificate, transactions: chain.blocks[2].transactions)
        #expect(try chain.state(before: 2).appending(block).headHash == hash)
    }
}
