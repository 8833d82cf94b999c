import Foundation
import StrataCrypto
import StrataProtocol

/// Conversions between ledger objects and database rows. Reading never trusts a row: every field is
/// decoded strictly and a row that does not decode is a `corrupt_row` error naming chain and height.
extension BlockRecord {
    init(_ block: Block, hash: Digest) throws(LedgerError) {
        self.init(chainId: block.chain, height: block.height, hash: hash.hex, previousHash: block.header.previous.hex,
                  header: String(decoding: try block.header.canonicalBytes(), as: UTF8.self),
                  certificate: String(decoding: try block.certificate.canonicalBytes(), as: UTF8.self),
                  txCount: Int64(block.transactions.count))
    }

    func decodeHeader() throws(LedgerError) -> BlockHeader {
        do { return try BlockHeader.decode(Array(header.utf8)) } catch {
            throw LedgerError(.corruptRow, "stored header does not decode: \(error.message)", chain: chainId, height: height)
        }
    }

    func decodeCertificate() throws(LedgerError) -> QuorumCertificate {
        do { return try QuorumCertificate.decode(Array(certificate.utf8)) } catch {
            throw LedgerError(.corruptRow, "stored certificate does not decode: \(error.message)", chain: chainId, height: height)
        }
    }
}

extension TransactionRecord {
    init(_ transaction: Transaction, height: Int64, position: Int) {
        self.init(chainId: transaction.chain.description, height: height, position: Int64(position), hash: transaction.hash.hex,
                  kind: transaction.payload.kind, body: String(decoding: transaction.canonicalBytes, as: UTF8.self))
    }

    func decode() throws(LedgerError) -> Transaction {
        do { return try Transaction.decode(Array(body.utf8)) } catch {
            throw LedgerError(.corruptRow, "stored transaction \(position) does not decode: \(error.message)", chain: chainId, height: height)
        }
    }
}

/// The `epochs` column: the member sets of a chain as canonical JSON.
enum EpochsColumn {
    static func encode(_ epochs: [MemberEpoch]) -> String {
        let value = JSONValue.array(epochs.map { .object(["from": .integer($0.fromHeight), "members": .array($0.members.hex.map(JSONValue.string))]) })
        return String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
    }

    static func decode(_ text: String, chain: String) throws(LedgerError) -> [MemberEpoch] {
        let corrupt = LedgerError(.corruptRow, "stored member sets of the chain do not decode", chain: chain)
        guard case .array(let items)? = try? JSONParser.parse(Array(text.utf8)), !items.isEmpty else { throw corrupt }
        var epochs = [MemberEpoch]()
        for item in items {
            guard let from = item["from"]?.integerValue, case .array(let keys)? = item["members"] else { throw corrupt }
            let members = try MemberSet(hex: keys.compactMap(\.stringValue))
            epochs.append(MemberEpoch(fromHeight: from, members: members))
        }
        return epochs
    }
}
