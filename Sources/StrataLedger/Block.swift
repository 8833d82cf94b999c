public import StrataCrypto
public import StrataProtocol

/// A committed block: header, quorum certificate and transactions in Merkle-leaf order.
///
/// Wire form: `{"certificate":{…},"header":{…},"transactions":[{…},…]}` (canonical JSON).
public struct Block: Sendable, Hashable {
    public let header: BlockHeader
    public let certificate: QuorumCertificate
    public let transactions: [Transaction]

    public init(header: BlockHeader, certificate: QuorumCertificate, transactions: [Transaction]) {
        self.header = header
        self.certificate = certificate
        self.transactions = transactions
    }

    public var chain: String { header.chain }
    public var height: Int64 { header.height }

    /// The Merkle tree over the transaction hashes: leaf i is `SHA-256(0x00 ‖ txHash_i)`.
    public static func merkleTree(of transactions: [Transaction]) -> MerkleTree {
        MerkleTree(leaves: transactions.map(\.hash.bytes))
    }

    public var json: JSONValue {
        get throws(LedgerError) {
            .object([
                "header": try LedgerJSON.encode(header, what: "header"),
                "certificate": try LedgerJSON.encode(certificate, what: "certificate"),
                "transactions": .array(transactions.map(\.json)),
            ])
        }
    }

    /// Decodes a block received from outside: size and count bounds first, then strict decoding.
    public static func decode(_ bytes: [UInt8]) throws(LedgerError) -> Block {
        guard bytes.count <= LedgerLimits.maxBlockBytes else {
            throw LedgerError(.tooLarge, "a block of \(bytes.count) bytes exceeds \(LedgerLimits.maxBlockBytes)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw LedgerError(.malformed, "block: \(error.message)") }
        guard let object = value.objectValue, Set(object.keys) == ["header", "certificate", "transactions"] else {
            throw LedgerError(.malformed, "a block is an object with exactly header, certificate and transactions")
        }
        guard case .array(let items)? = object["transactions"] else {
            throw LedgerError(.malformed, "block transactions is not an array")
        }
        guard items.count <= LedgerLimits.maxTransactionsPerBlock else {
            throw LedgerError(.tooLarge, "a block of \(items.count) transactions exceeds \(LedgerLimits.maxTransactionsPerBlock)")
        }
        let header = try BlockHeader.decode(object["header"] ?? .null)
        let certificate = try LedgerJSON.decode(QuorumCertificate.self, from: object["certificate"] ?? .null, what: "certificate")
        guard certificate.signatures.count <= LedgerLimits.maxMembers else {
            throw LedgerError(.tooLarge, "a certificate of \(certificate.signatures.count) signatures exceeds \(LedgerLimits.maxMembers)")
        }
        var transactions = [Transaction]()
        for (index, item) in items.enumerated() {
            do { transactions.append(try Transaction.decode(item)) } catch {
                throw LedgerError(error.code, "transaction \(index): \(error.message)")
            }
        }
        return Block(header: header, certificate: certificate, transactions: transactions)
    }
}
