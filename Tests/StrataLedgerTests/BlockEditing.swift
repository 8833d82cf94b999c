import StrataCrypto
import Testing
@testable import StrataLedger

/// Test helpers that rebuild a block of a `TestChain` with one thing changed and, unless told
/// otherwise, a fresh valid certificate — so exactly one rule is broken.
extension TestChain {
    func quorumKeys(_ count: Int? = nil) -> [SigningKey] {
        Array(memberKeys.prefix(count ?? (memberKeys.count * 2 / 3 + 1)))
    }

    /// State after blocks 0..<height.
    func state(before height: Int) throws -> ChainState {
        var state = try ChainState.genesis(blocks[0])
        for block in blocks[1..<height] { state = try state.appending(block) }
        return state
    }

    func resealed(_ height: Int, transactions: [Transaction]? = nil, voters: [SigningKey]? = nil,
                  proposer: PublicKey? = nil, edit: (inout BlockHeader) -> Void = { _ in }) throws -> Block {
        let old = blocks[height]
        let txs = transactions ?? old.transactions
        var header = BlockHeader(chain: chain, height: old.height, previous: old.header.previous,
                                 txRoot: Block.merkleTree(of: txs).root, txCount: Int64(txs.count),
                                 proposer: try proposer ?? PublicKey(hex: old.header.proposer), time: old.header.time)
        edit(&header)
        return Block(header: header, certificate: try QuorumCertificate.sign(header, with: voters ?? quorumKeys()), transactions: txs)
    }
}

func expectLedgerError(_ code: LedgerError.Code, height: Int64? = nil, containing text: String = "",
                       sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code.rawValue), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LedgerError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let height { #expect(error.height == height, "\(error)", sourceLocation: sourceLocation) }
        if !text.isEmpty { #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected LedgerError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}
