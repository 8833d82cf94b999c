public import StrataCrypto
public import StrataProtocol

/// A block header (paper §III-A: index, previous hash, Merkle root of transactions, proposer, time).
///
/// Its hash is SHA-256 of its canonical JSON (RFC 8785), e.g.
/// `{"chain":"lmuc/mec-1","height":3,"previous":"<64 hex>","proposer":"<64 hex>","time":1700000000000,"txCount":2,"txRoot":"<64 hex>","type":"strata.block/1"}`.
/// Only strings and integers appear, so any JSON library with sorted keys and no spaces reproduces it.
public struct BlockHeader: Codable, Sendable, Hashable {
    public static let typeTag = "strata.block/1"
    /// The `previous` of a genesis block: 32 zero bytes.
    public static let genesisPrevious: Digest = {
        do { return try Digest(bytes: [UInt8](repeating: 0, count: 32)) } catch { preconditionFailure("32 bytes are a digest") }
    }()

    public var type: String
    public var chain: String
    public var height: Int64
    public var previous: Digest
    /// RFC 9162 Merkle root over the transaction hashes, in block order.
    public var txRoot: Digest
    public var txCount: Int64
    /// Lowercase hex of the proposing member's key.
    public var proposer: String
    /// Unix milliseconds, UTC, as the proposer saw it.
    public var time: Int64

    public init(chain: ChainID, height: Int64, previous: Digest, txRoot: Digest, txCount: Int64, proposer: PublicKey, time: Int64) {
        self.type = BlockHeader.typeTag
        self.chain = chain.description
        self.height = height
        self.previous = previous
        self.txRoot = txRoot
        self.txCount = txCount
        self.proposer = proposer.hex
        self.time = time
    }

    /// The canonical JSON bytes that are hashed.
    public func canonicalBytes() throws(LedgerError) -> [UInt8] {
        CanonicalJSON.encode(try LedgerJSON.encode(self, what: "header"))
    }

    /// SHA-256 of `canonicalBytes()`: the block hash.
    public func hash() throws(LedgerError) -> Digest { SHA256.hash(try canonicalBytes()) }

    /// Decodes a header from bytes received or stored: bounded, strict, typed errors.
    public static func decode(_ bytes: [UInt8]) throws(LedgerError) -> BlockHeader {
        guard bytes.count <= LedgerLimits.maxHeaderBytes else {
            throw LedgerError(.tooLarge, "a header of \(bytes.count) bytes exceeds \(LedgerLimits.maxHeaderBytes)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw LedgerError(.malformed, "header: \(error.message)") }
        return try decode(value)
    }

    public static func decode(_ value: JSONValue) throws(LedgerError) -> BlockHeader {
        let header = try LedgerJSON.decode(BlockHeader.self, from: value, what: "header")
        try header.checkFields()
        return header
    }

    /// Stateless checks: type tag, chain id, key and counts.
    public func checkFields() throws(LedgerError) {
        guard type == BlockHeader.typeTag else { throw LedgerError(.malformed, "header type is \"\(type.prefix(40))\", expected \(BlockHeader.typeTag)") }
        _ = try ChainID(chain)
        _ = try LedgerKey.parse(proposer, field: "proposer")
        guard height >= 0 else { throw LedgerError(.badHeight, "height \(height) is negative") }
        guard (0...Int64(LedgerLimits.maxTransactionsPerBlock)).contains(txCount) else {
            throw LedgerError(.tooLarge, "txCount \(txCount) is outside 0…\(LedgerLimits.maxTransactionsPerBlock)")
        }
    }
}
