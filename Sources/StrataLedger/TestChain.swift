public import StrataCrypto

/// A deterministic, fully valid chain with real Ed25519 keys, for tests, benchmarks and the simulator.
///
/// The same arguments give the same keys, blocks and hashes. Genesis declares `members` keys and
/// registers the devices; every later block carries local updates (each with its model blob), scores,
/// reputation changes and payments, proposed round-robin and certified by a quorum of members.
public struct TestChain: Sendable {
    public let chain: ChainID
    public let memberKeys: [SigningKey]
    public let deviceKeys: [SigningKey]
    public let blocks: [Block]
    /// The model blobs the local updates refer to (content-addressed by SHA-256).
    public let blobs: [[UInt8]]
    public let state: ChainState

    public static let startTime: Int64 = 1_767_225_600_000

    public static func make(chain given: ChainID? = nil, members: Int = 4, blocks: Int = 5, transactionsPerBlock: Int = 3,
                            devices: Int = 3, seed: UInt64 = 1) throws(LedgerError) -> TestChain {
        precondition(members >= 1 && blocks >= 1 && devices >= 1 && transactionsPerBlock >= 0, "a test chain needs members, blocks and devices")
        var chain = try ChainID(kind: .lmuc, name: "test-\(seed)")
        if let given { chain = given }
        var random = SplitMix64(seed: seed)
        let memberKeys = (0..<members).map { _ in random.signingKey() }
        let deviceKeys = (0..<devices).map { _ in random.signingKey() }
        let quorum = try MemberSet(memberKeys.map(\.publicKey)).quorum
        var builder = TestChainBuilder(chain: chain, members: memberKeys, devices: deviceKeys, quorum: quorum, random: random)

        var list = [try builder.genesis()]
        var state = try ChainState.genesis(list[0])
        for height in 1..<Int64(blocks) {
            let block = try builder.block(height: height, previous: state.headHash, count: transactionsPerBlock)
            state = try state.appending(block)
            list.append(block)
        }
        return TestChain(chain: chain, memberKeys: memberKeys, deviceKeys: deviceKeys, blocks: list, blobs: builder.blobs, state: state)
    }
}

extension TestChain {
    /// Appends every block to `store`, each with the model blobs its local updates refer to.
    public func write(to store: LedgerStore) throws(LedgerError) {
        let byDigest = Dictionary(blobs.map { (SHA256.hash($0), $0) }, uniquingKeysWith: { first, _ in first })
        for block in blocks {
            var attached = [[UInt8]]()
            for transaction in block.transactions {
                if case .localUpdate(let update) = transaction.payload, let blob = byDigest[update.model] { attached.append(blob) }
            }
            try store.append(block, blobs: attached)
        }
    }
}

/// Produces the transactions and blocks of a `TestChain`.
struct TestChainBuilder {
    let chain: ChainID
    let members: [SigningKey]
    let devices: [SigningKey]
    let quorum: Int
    var random: SplitMix64
    var blobs = [[UInt8]]()
    var nonce: Int64 = 0
    var lastUpdate: Digest?

    mutating func transaction(_ payload: TransactionPayload, by key: SigningKey) throws(LedgerError) -> Transaction {
        nonce += 1
        return try Transaction.signed(chain: chain, nonce: nonce, payload: payload, key: key)
    }

    mutating func genesis() throws(LedgerError) -> Block {
        var transactions = [try transaction(.memberSetChange(MemberSetChange(members: members.map(\.publicKey.hex))), by: members[0])]
        for device in devices {
            let registration = DeviceRegistration(device: device.publicKey.hex, mec: chain.name, role: "full")
            transactions.append(try transaction(.deviceRegistration(registration), by: device))
        }
        return try seal(height: 0, previous: BlockHeader.genesisPrevious, transactions: transactions)
    }

    mutating func block(height: Int64, previous: Digest, count: Int) throws(LedgerError) -> Block {
        var transactions = [Transaction]()
        for index in 0..<count {
            transactions.append(try next(height: height, index: index))
        }
        return try seal(height: height, previous: previous, transactions: transactions)
    }

    mutating func next(height: Int64, index: Int) throws(LedgerError) -> Transaction {
        let device = devices[(Int(height) + index) % devices.count]
        let mec = members[0]
        switch index % 4 {
        case 0:
            let blob = random.bytes(256)
            blobs.append(blob)
            let update = LocalUpdate(task: "task-1", round: height, device: device.publicKey.hex, model: SHA256.hash(blob),
                                     modelBytes: Int64(blob.count), examples: Int64(100 + index))
            let transaction = try transaction(.localUpdate(update), by: device)
            lastUpdate = transaction.hash
            return transaction
        case 1:
            let score = UpdateScore(task: "task-1", round: height, update: lastUpdate ?? SHA256.hash([UInt8]()), score: 0.5 + Double(height) / 64)
            return try transaction(.updateScore(score), by: mec)
        case 2:
            let change = ReputationChange(device: device.publicKey.hex, delta: 0.125, reason: "accepted update")
            return try transaction(.reputationChange(change), by: mec)
        default:
            let payment = Payment(from: mec.publicKey.hex, to: device.publicKey.hex, amount: 10 + height, memo: "round \(height)")
            return try transaction(.payment(payment), by: mec)
        }
    }

    func seal(height: Int64, previous: Digest, transactions: [Transaction]) throws(LedgerError) -> Block {
        let proposer = members[Int(height) % members.count]
        let voters = (0..<quorum).map { members[(Int(height) + $0) % members.count] }
        return try Block.seal(chain: chain, height: height, previous: previous, transactions: transactions,
                              proposer: proposer.publicKey, voters: voters, time: TestChain.startTime + height * 1000)
    }
}
