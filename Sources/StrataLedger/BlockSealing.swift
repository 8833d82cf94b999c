public import StrataCrypto

extension Block {
    /// Builds a block on `previous` and has `voters` sign its commit vote: what a proposer plus its
    /// quorum produce. The live driver collects the signatures over the network instead; the bytes are
    /// the same (`CommitVote.bytes`).
    public static func seal(chain: ChainID, height: Int64, previous: Digest, transactions: [Transaction],
                            proposer: PublicKey, voters: [SigningKey], time: Int64) throws(LedgerError) -> Block {
        let header = BlockHeader(chain: chain, height: height, previous: previous,
                                 txRoot: merkleTree(of: transactions).root, txCount: Int64(transactions.count),
                                 proposer: proposer, time: time)
        return Block(header: header, certificate: try QuorumCertificate.sign(header, with: voters), transactions: transactions)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator for reproducible test keys and data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            let word = next()
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Array(out.prefix(count))
    }

    /// A reproducible Ed25519 key: 32 seed bytes from this generator.
    public mutating func signingKey() -> SigningKey {
        do { return try SigningKey(seed: bytes(32)) } catch { preconditionFailure("a 32-byte seed is a valid Ed25519 seed: \(error)") }
    }
}
