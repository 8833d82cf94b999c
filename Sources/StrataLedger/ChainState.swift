public import StrataCrypto

/// The member set in force from `fromHeight` on.
public struct MemberEpoch: Sendable, Hashable {
    public let fromHeight: Int64
    public let members: MemberSet
}

/// What a verifier knows after accepting a chain up to its head: the pure validation core.
///
/// `genesis(_:)` accepts height 0, `appending(_:)` the next block; both check every rule and throw the
/// first broken one as a `LedgerError` located at the block's chain and height. No file, socket or clock.
///
/// Member-set rule: a genesis block declares the first set with a `member_set_change` transaction,
/// and its own certificate is checked against that set. Afterwards a `member_set_change` in block h
/// takes effect at h + 1; block h is always validated with the set in force at h.
public struct ChainState: Sendable {
    public let chain: ChainID
    /// Height of the head block.
    public let height: Int64
    public let headHash: Digest
    /// The member sets, oldest first; the last one is in force for the next block.
    public let epochs: [MemberEpoch]

    /// The set in force for the next block (height + 1).
    public var nextMembers: MemberSet { epochs[epochs.count - 1].members }

    /// The set in force at `height`, if the chain reaches it.
    public func members(at height: Int64) -> MemberSet? {
        guard height >= 0, height <= self.height + 1 else { return nil }
        return epochs.last { $0.fromHeight <= height }?.members
    }

    /// Accepts a genesis block.
    public static func genesis(_ block: Block) throws(LedgerError) -> ChainState {
        let chain: ChainID
        do { chain = try ChainID(block.header.chain) } catch { throw error.at(chain: block.header.chain, height: block.height) }
        do throws(LedgerError) {
            guard block.height == 0 else { throw LedgerError(.badHeight, "a genesis block has height 0, this one \(block.height)") }
            guard block.header.previous == BlockHeader.genesisPrevious else {
                throw LedgerError(.badHashLink, "a genesis block's previous hash is all zeros")
            }
            guard let declared = try lastMemberSet(in: block.transactions) else {
                throw LedgerError(.badTransaction, "a genesis block must declare the member set (member_set_change)")
            }
            let hash = try BlockRules.check(block, chain: chain, members: declared)
            return ChainState(chain: chain, height: 0, headHash: hash, epochs: [MemberEpoch(fromHeight: 0, members: declared)])
        } catch {
            throw error.at(chain: chain.description, height: block.height)
        }
    }

    /// Accepts the next block, or throws the first rule it breaks.
    public func appending(_ block: Block) throws(LedgerError) -> ChainState {
        do throws(LedgerError) {
            guard block.header.chain == chain.description else {
                throw LedgerError(.badHeight, "the block belongs to chain \(block.header.chain.prefix(80)), not \(chain)", height: height + 1)
            }
            guard block.height == height + 1 else {
                throw LedgerError(.badHeight, "the block says height \(block.height), expected \(height + 1)", height: height + 1)
            }
            guard block.header.previous == headHash else {
                throw LedgerError(.badHashLink, "previous hash \(block.header.previous.hex.prefix(16)) is not the hash \(headHash.hex.prefix(16)) of block \(height)")
            }
            let hash = try BlockRules.check(block, chain: chain, members: nextMembers)
            var epochs = self.epochs
            if let changed = try ChainState.lastMemberSet(in: block.transactions) {
                epochs.append(MemberEpoch(fromHeight: block.height + 1, members: changed))
            }
            return ChainState(chain: chain, height: block.height, headHash: hash, epochs: epochs)
        } catch {
            throw error.at(chain: chain.description, height: block.height)
        }
    }

    static func lastMemberSet(in transactions: [Transaction]) throws(LedgerError) -> MemberSet? {
        var result: MemberSet?
        for transaction in transactions {
            if case .memberSetChange(let change) = transaction.payload { result = try MemberSet(hex: change.members) }
        }
        return result
    }
}
