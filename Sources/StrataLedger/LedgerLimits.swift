/// Bounds on everything the ledger decodes from outside (the network or a database file).
///
/// Checked before the expensive work: byte sizes before parsing, counts before verifying signatures.
public enum LedgerLimits {
    /// Transactions in one block.
    public static let maxTransactionsPerBlock = 4096
    /// Canonical JSON bytes of one transaction (a cross-chain reference is the largest kind).
    public static let maxTransactionBytes = 256 * 1024
    /// Canonical JSON bytes of one block header.
    public static let maxHeaderBytes = 4096
    /// Members of one member set; a quorum certificate holds at most one signature per member.
    public static let maxMembers = 1024
    /// Bytes of one content-addressed blob (model parameters).
    public static let maxBlobBytes = 64 * 1024 * 1024
    /// Characters of a free-text field (task id, memo, reason, MEC name).
    public static let maxTextLength = 256
    /// Sibling hashes of a Merkle inclusion proof (a tree of 2^64 leaves needs 64).
    public static let maxProofSiblings = 64
    /// Bytes of a whole block as JSON read from outside.
    public static let maxBlockBytes = 64 * 1024 * 1024
}
