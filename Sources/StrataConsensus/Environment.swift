/// Checks that a signed message really comes from the member it names (`message.sender`).
///
/// The core never calls crypto itself. The live driver verifies the Ed25519 signature over the
/// message's canonical bytes with the sender's public key; the simulator uses a keyed hash, and its
/// Byzantine members cannot produce a valid tag for another member.
/// Must be deterministic and free of side effects: the core calls it while handling an input.
public protocol MessageAuthenticator: Sendable {
    func isAuthentic(_ signed: SignedMessage) -> Bool
}

/// The application's checks on a proposal (the validity predicate).
///
/// Members vote only for proposals their own checks accept. For a GMUC shard chain the leader
/// proposes a round's aggregate; each member recomputes the aggregate and accepts only a match, so a
/// leader that proposes a wrong aggregate gets no votes and is replaced by a view change.
/// Must be deterministic and free of side effects.
public protocol ProposalValidator: Sendable {
    /// The payload hashes to the digest (SHA-256 in the live driver). Checked on every proposal,
    /// including those in certificates and state transfer.
    func digestMatches(_ proposal: Proposal) -> Bool
    /// The application accepts this proposal at this sequence number. Checked on requests and on a
    /// primary's pre-prepare in the normal case (not on entries that 2f+1 members already prepared
    /// or committed). Never called for the null request.
    func isAcceptable(_ proposal: Proposal, at sequence: UInt64) -> Bool
}
