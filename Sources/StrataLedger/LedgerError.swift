/// An error from StrataLedger: a stable code, a human message that names the problem, and — when the
/// problem sits in a stored or received chain — the chain and height where it was found.
///
/// `description` is what `strata ledger verify` prints: `chain lmuc/mec-1 height 3: bad_qc: …`.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// A block's `previous` is not the hash of the block below it.
        case badHashLink = "bad_hash_link"
        /// A header's `txRoot` (or `txCount`) does not match its transactions.
        case badMerkleRoot = "bad_merkle_root"
        /// The quorum certificate is for another block, too small, unordered, or a signature fails.
        case badQC = "bad_qc"
        /// A key that must belong to the member set in force does not.
        case unknownMember = "unknown_member"
        /// The proposer has no right to propose at this height.
        case badProposer = "bad_proposer"
        /// A transaction's signature does not verify against its signer.
        case badTxSignature = "bad_tx_signature"
        /// A stored blob's bytes do not hash to its content address.
        case blobMismatch = "blob_mismatch"
        /// A height is missing from the stored chain.
        case missingBlock = "missing_block"
        /// A block's height or chain is not the one expected at its place.
        case badHeight = "bad_height"
        /// A stored hash column disagrees with the hash of the stored bytes.
        case badBlockHash = "bad_block_hash"
        /// A transaction is malformed, belongs to another chain, repeats, or breaks a rule of its kind.
        case badTransaction = "bad_transaction"
        /// A cross-chain reference whose proof or certificate does not hold.
        case badReference = "bad_reference"
        /// A block, transaction, certificate or blob exceeds a bound of `LedgerLimits`.
        case tooLarge = "too_large"
        /// Bytes that do not parse or decode as the expected ledger object.
        case malformed = "malformed"
        /// A database row that cannot be read (bad type, bad JSON, missing column).
        case corruptRow = "corrupt_row"
        /// An SQLite or file error.
        case storage = "storage"
        /// The chain or transaction asked for does not exist.
        case notFound = "not_found"
        /// A Merkle inclusion proof that does not verify.
        case badProof = "bad_proof"
    }

    public let code: Code
    public let message: String
    /// The chain where the problem is, when there is one.
    public let chain: String?
    /// The height of the first bad block, when there is one.
    public let height: Int64?

    public init(_ code: Code, _ message: String, chain: String? = nil, height: Int64? = nil) {
        self.code = code
        self.message = message
        self.chain = chain
        self.height = height
    }

    /// The same error, located at `chain` and `height` (keeps a location already set).
    public func at(chain: String, height: Int64?) -> LedgerError {
        LedgerError(code, message, chain: self.chain ?? chain, height: self.height ?? height)
    }

    public var description: String {
        var location = ""
        if let chain { location += "chain \(chain) " }
        if let height { location += "height \(height) " }
        if !location.isEmpty { location = String(location.dropLast()) + ": " }
        return "\(location)\(code.rawValue): \(message)"
    }
}
