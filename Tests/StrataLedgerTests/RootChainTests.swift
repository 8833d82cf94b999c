import Testing
import StrataCrypto
import StrataProtocol
@testable import StrataLedger

struct RootChainTests {
    @Test("the GMUC root chain records MEC registrations and shard formations, signed by the right keys")
    func registryAndShards() throws {
        let root = try TestChain.make(chain: ChainID("root/gmuc"), members: 4, blocks: 1, seed: 11)
        var random = SplitMix64(seed: 12)
        let mecs = (0..<3).map { _ in random.signingKey() }
        var transactions = [Transaction]()
        for (index, mec) in mecs.enumerated() {
            transactions.append(try Transaction.signed(chain: root.chain, nonce: Int64(index), payload: .mecRegistration(
                MECRegistration(mec: mec.publicKey.hex, name: "mec-\(index)")), key: mec))
        }
        let formation = ShardFormation(shard: "shard/task-1", task: "task-1", members: mecs.map(\.publicKey.hex))
        transactions.append(try Transaction.signed(chain: root.chain, nonce: 9, payload: .shardFormation(formation), key: root.memberKeys[1]))
        let block = try Block.seal(chain: root.chain, height: 1, previous: root.state.headHash, transactions: transactions,
                                   proposer: root.memberKeys[1].publicKey, voters: root.quorumKeys(), time: 1)
        let state = try root.state.appending(block)
        #expect(state.height == 1)
        #expect(try Block.decode(CanonicalJSON.encode(block.json)) == block, "survives the wire form")

        let byOutsider = try Transaction.signed(chain: root.chain, nonce: 10, payload: .shardFormation(formation), key: mecs[0])
        expectLedgerError(.unknownMember, height: 1, containing: "shard_formation signed by") {
            _ = try root.state.appending(Block.seal(chain: root.chain, height: 1, previous: root.state.headHash, transactions: [byOutsider],
                                                    proposer: root.memberKeys[1].publicKey, voters: root.quorumKeys(), time: 1))
        }
        let registeredByOther = try Transaction.signed(chain: root.chain, nonce: 11, payload: .mecRegistration(
            MECRegistration(mec: mecs[0].publicKey.hex, name: "mec-0")), key: mecs[1])
        expectLedgerError(.badTransaction, height: 1, containing: "signed by the MEC") {
            _ = try root.state.appending(Block.seal(chain: root.chain, height: 1, previous: root.state.headHash, transactions: [registeredByOther],
                                                    proposer: root.memberKeys[1].publicKey, voters: root.quorumKeys(), time: 1))
        }
        expectLedgerError(.badTransaction, containing: "not a shard chain") {
            _ = try Transaction.signed(chain: root.chain, nonce: 12, payload: .shardFormation(
                ShardFormation(shard: "lmuc/mec-0", task: "t", members: [mecs[0].publicKey.hex])), key: root.memberKeys[0])
        }
    }
}
