/// PRE-PREPARE ⟨v, n, d⟩ with the request itself (Castro & Liskov §4.2): the primary of view `view`
/// assigns `sequence` to `proposal`.
public struct PrePrepare: Hashable, Codable, Sendable {
    public let view: UInt64
    public let sequence: UInt64
    public let proposal: Proposal
    public let replica: ReplicaID

    public init(view: UInt64, sequence: UInt64, proposal: Proposal, replica: ReplicaID) {
        self.view = view
        self.sequence = sequence
        self.proposal = proposal
        self.replica = replica
    }
}

/// A PREPARE or COMMIT vote ⟨v, n, d, i⟩ (Castro & Liskov §4.2).
public struct Vote: Hashable, Codable, Sendable {
    public let view: UInt64
    public let sequence: UInt64
    public let digest: Digest
    public let replica: ReplicaID

    public init(view: UInt64, sequence: UInt64, digest: Digest, replica: ReplicaID) {
        self.view = view
        self.sequence = sequence
        self.digest = digest
        self.replica = replica
    }
}

/// CHECKPOINT ⟨n, d, i⟩ (Castro & Liskov §4.3). `digest` is the digest of the last non-null entry
/// executed at or before `sequence`: Strata's proposals are hash-chained blocks, so that digest
/// commits to the whole executed prefix.
public struct Checkpoint: Hashable, Codable, Sendable {
    public let sequence: UInt64
    public let digest: Digest
    public let replica: ReplicaID

    public init(sequence: UInt64, digest: Digest, replica: ReplicaID) {
        self.sequence = sequence
        self.digest = digest
        self.replica = replica
    }
}

/// A prepared certificate (the P set of §4.4): the proposal and 2f+1 signed PREPAREs for
/// (view, sequence, digest) from distinct members. In this core every member, the primary
/// included, sends a PREPARE, so the quorum is 2f+1 prepares (the paper counts the pre-prepare as
/// the primary's vote plus 2f prepares; both are 2f+1 distinct members).
public struct PreparedCertificate: Hashable, Codable, Sendable {
    public let view: UInt64
    public let sequence: UInt64
    public let proposal: Proposal
    public let prepares: [SignedMessage]

    public init(view: UInt64, sequence: UInt64, proposal: Proposal, prepares: [SignedMessage]) {
        self.view = view
        self.sequence = sequence
        self.proposal = proposal
        self.prepares = prepares
    }
}

/// VIEW-CHANGE ⟨v+1, n, C, P, i⟩ (Castro & Liskov §4.4): the last stable checkpoint with its
/// proof (2f+1 signed CHECKPOINTs, empty for sequence 0) and a prepared certificate for every
/// sequence above it.
public struct ViewChange: Hashable, Codable, Sendable {
    public let newView: UInt64
    public let stableSequence: UInt64
    public let checkpointProof: [SignedMessage]
    public let prepared: [PreparedCertificate]
    public let replica: ReplicaID

    public init(newView: UInt64, stableSequence: UInt64, checkpointProof: [SignedMessage],
                prepared: [PreparedCertificate], replica: ReplicaID) {
        self.newView = newView
        self.stableSequence = stableSequence
        self.checkpointProof = checkpointProof
        self.prepared = prepared
        self.replica = replica
    }
}

/// NEW-VIEW ⟨v+1, V, O⟩ (Castro & Liskov §4.4): 2f+1 signed VIEW-CHANGEs and the pre-prepares
/// the new primary derived from them, which every member recomputes and checks.
public struct NewView: Hashable, Codable, Sendable {
    public let view: UInt64
    public let viewChanges: [SignedMessage]
    public let prePrepares: [PrePrepare]
    public let replica: ReplicaID

    public init(view: UInt64, viewChanges: [SignedMessage], prePrepares: [PrePrepare], replica: ReplicaID) {
        self.view = view
        self.viewChanges = viewChanges
        self.prePrepares = prePrepares
        self.replica = replica
    }
}

/// State transfer request: "send me the committed entries from `fromSequence` on".
public struct FetchRequest: Hashable, Codable, Sendable {
    public let fromSequence: UInt64
    public let replica: ReplicaID

    public init(fromSequence: UInt64, replica: ReplicaID) {
        self.fromSequence = fromSequence
        self.replica = replica
    }
}

/// One committed entry with its commit certificate: 2f+1 signed COMMITs for
/// (view, sequence, proposal.digest) from distinct members. Self-verifying, so a member that fell
/// behind can accept it from any single peer; the ledger stores it as the block's quorum certificate.
public struct CommittedEntry: Hashable, Codable, Sendable {
    public let view: UInt64
    public let sequence: UInt64
    public let proposal: Proposal
    public let commits: [SignedMessage]

    public init(view: UInt64, sequence: UInt64, proposal: Proposal, commits: [SignedMessage]) {
        self.view = view
        self.sequence = sequence
        self.proposal = proposal
        self.commits = commits
    }

    /// The members whose signed COMMITs form the certificate, in ascending order.
    public var signers: [ReplicaID] { commits.map(\.message.sender).sorted() }
}

/// State transfer reply: consecutive committed entries, each with its commit certificate.
public struct EntriesReply: Hashable, Codable, Sendable {
    public let entries: [CommittedEntry]
    public let replica: ReplicaID

    public init(entries: [CommittedEntry], replica: ReplicaID) {
        self.entries = entries
        self.replica = replica
    }
}

/// Every message members exchange. `sender` is inside the body so the signature covers it.
public enum ConsensusMessage: Hashable, Codable, Sendable {
    case prePrepare(PrePrepare)
    case prepare(Vote)
    case commit(Vote)
    case checkpoint(Checkpoint)
    case viewChange(ViewChange)
    case newView(NewView)
    case fetch(FetchRequest)
    case entries(EntriesReply)

    public var sender: ReplicaID {
        switch self {
        case .prePrepare(let m): m.replica
        case .prepare(let m), .commit(let m): m.replica
        case .checkpoint(let m): m.replica
        case .viewChange(let m): m.replica
        case .newView(let m): m.replica
        case .fetch(let m): m.replica
        case .entries(let m): m.replica
        }
    }

    /// A short name for logs and counters.
    public var kind: String {
        switch self {
        case .prePrepare: "pre-prepare"
        case .prepare: "prepare"
        case .commit: "commit"
        case .checkpoint: "checkpoint"
        case .viewChange: "view-change"
        case .newView: "new-view"
        case .fetch: "fetch"
        case .entries: "entries"
        }
    }
}

/// A message with the signature its sender's driver attached (Ed25519 over canonical bytes in
/// the live driver). The core checks it through the injected `MessageAuthenticator`; certificates
/// carry signed messages so any member can re-check them.
public struct SignedMessage: Hashable, Codable, Sendable {
    public let message: ConsensusMessage
    public let signature: [UInt8]

    public init(message: ConsensusMessage, signature: [UInt8]) {
        self.message = message
        self.signature = signature
    }

    private enum CodingKeys: String, CodingKey { case message, signature }

    /// The signature travels as lowercase hex.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decode(ConsensusMessage.self, forKey: .message)
        signature = try ByteText.hex(try container.decode(String.self, forKey: .signature), codingPath: container.codingPath)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(ByteText.hex(signature), forKey: .signature)
    }
}
