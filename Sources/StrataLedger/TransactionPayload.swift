public import StrataCrypto

/// What a transaction records: one case per kind of ledger entry (paper §III-B, §IV; ARCHITECTURE.md §5).
public enum TransactionPayload: Sendable, Hashable {
    case deviceRegistration(DeviceRegistration)
    case taskAssignment(TaskAssignment)
    case localUpdate(LocalUpdate)
    case updateScore(UpdateScore)
    case acceptedSet(AcceptedSet)
    case aggregate(AggregateDigest)
    case reputationChange(ReputationChange)
    case payment(Payment)
    case crossChainReference(CrossChainReference)
    case memberSetChange(MemberSetChange)
    case mecRegistration(MECRegistration)
    case shardFormation(ShardFormation)

    /// The `kind` field of the transaction object.
    public var kind: String {
        switch self {
        case .deviceRegistration: "device_registration"
        case .taskAssignment: "task_assignment"
        case .localUpdate: "local_update"
        case .updateScore: "update_score"
        case .acceptedSet: "accepted_set"
        case .aggregate: "aggregate"
        case .reputationChange: "reputation_change"
        case .payment: "payment"
        case .crossChainReference: "cross_chain_reference"
        case .memberSetChange: "member_set_change"
        case .mecRegistration: "mec_registration"
        case .shardFormation: "shard_formation"
        }
    }
}

/// A device joins an MEC's LMUC as a full device (trains and votes) or a relay-only device.
public struct DeviceRegistration: Codable, Sendable, Hashable {
    public var device: String
    public var mec: String
    /// `full` or `relay`.
    public var role: String
    public init(device: String, mec: String, role: String) {
        self.device = device
        self.mec = mec
        self.role = role
    }
}

/// The MEC assigns a device to a learning task for a round (paper Step 2).
public struct TaskAssignment: Codable, Sendable, Hashable {
    public var task: String
    public var round: Int64
    public var device: String
    public init(task: String, round: Int64, device: String) {
        self.task = task
        self.round = round
        self.device = device
    }
}

/// A device's signed local model update; the parameters live in a blob addressed by `model` (Step 3).
/// The transaction's signer must be `device`.
public struct LocalUpdate: Codable, Sendable, Hashable {
    public var task: String
    public var round: Int64
    public var device: String
    /// SHA-256 of the parameter blob.
    public var model: Digest
    public var modelBytes: Int64
    /// Training examples behind the update (the FedAvg weight).
    public var examples: Int64
    public init(task: String, round: Int64, device: String, model: Digest, modelBytes: Int64, examples: Int64) {
        self.task = task
        self.round = round
        self.device = device
        self.model = model
        self.modelBytes = modelBytes
        self.examples = examples
    }
}

/// The score a verifier gave one local update (referenced by its transaction hash).
public struct UpdateScore: Codable, Sendable, Hashable {
    public var task: String
    public var round: Int64
    public var update: Digest
    public var score: Double
    public init(task: String, round: Int64, update: Digest, score: Double) {
        self.task = task
        self.round = round
        self.update = update
        self.score = score
    }
}

/// The updates accepted into a round's aggregate (transaction hashes, ascending).
public struct AcceptedSet: Codable, Sendable, Hashable {
    public var task: String
    public var round: Int64
    public var updates: [Digest]
    public init(task: String, round: Int64, updates: [Digest]) {
        self.task = task
        self.round = round
        self.updates = updates
    }
}

/// The digest of a round's aggregated global model (Step 5), stored as a blob.
public struct AggregateDigest: Codable, Sendable, Hashable {
    public var task: String
    public var round: Int64
    public var model: Digest
    public var updates: Int64
    public init(task: String, round: Int64, model: Digest, updates: Int64) {
        self.task = task
        self.round = round
        self.model = model
        self.updates = updates
    }
}

/// A change of a device's reputation, with the evidence that caused it (paper §IV).
public struct ReputationChange: Codable, Sendable, Hashable {
    public var device: String
    public var delta: Double
    public var reason: String
    public init(device: String, delta: Double, reason: String) {
        self.device = device
        self.delta = delta
        self.reason = reason
    }
}

/// A token transfer in whole units; `from` and `to` are keys.
public struct Payment: Codable, Sendable, Hashable {
    public var from: String
    public var to: String
    public var amount: Int64
    public var memo: String
    public init(from: String, to: String, amount: Int64, memo: String) {
        self.from = from
        self.to = to
        self.amount = amount
        self.memo = memo
    }
}

/// Evidence that a transaction is committed on another chain: that chain's block header, its quorum
/// certificate and a Merkle inclusion proof of the transaction hash under the header's `txRoot`.
public struct CrossChainReference: Codable, Sendable, Hashable {
    public var header: BlockHeader
    public var certificate: QuorumCertificate
    public var transaction: Digest
    public var proof: MerkleProof
    public init(header: BlockHeader, certificate: QuorumCertificate, transaction: Digest, proof: MerkleProof) {
        self.header = header
        self.certificate = certificate
        self.transaction = transaction
        self.proof = proof
    }
}

/// The member set from the next height on (a genesis block declares the first set this way).
public struct MemberSetChange: Codable, Sendable, Hashable {
    public var members: [String]
    public init(members: [String]) { self.members = members }
}

/// An MEC node joins the GMUC registry on the root chain (paper §III-A). The signer must be `mec`.
public struct MECRegistration: Codable, Sendable, Hashable {
    public var mec: String
    /// The MEC's name, also the name of its LMUC (`lmuc/<name>`).
    public var name: String
    public init(mec: String, name: String) {
        self.mec = mec
        self.name = name
    }
}

/// The root chain forms a task shard: its chain id, the task, and the MECs that validate it (Step 1).
public struct ShardFormation: Codable, Sendable, Hashable {
    /// A chain id of kind `shard`.
    public var shard: String
    public var task: String
    public var members: [String]
    public init(shard: String, task: String, members: [String]) {
        self.shard = shard
        self.task = task
        self.members = members
    }
}
