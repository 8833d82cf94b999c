/// The slot a vote is for: one sequence number in one view.
public struct VoteSlot: Hashable, Sendable {
    public let view: UInt64
    public let sequence: UInt64

    public init(view: UInt64, sequence: UInt64) {
        self.view = view
        self.sequence = sequence
    }
}

/// Counts signed votes per (view, sequence, digest) from distinct members and says when a quorum
/// of 2f+1 is reached (Castro & Liskov §4.2: the prepared and committed-local predicates; §4.3:
/// stable checkpoints).
///
/// Each member has at most one vote per slot: a repeat is a duplicate, a different digest from the
/// same member is an equivocation; neither is stored. The caller bounds the slots it admits
/// (window and view lead), so the keeper holds at most slots × n votes.
public struct VoteKeeper: Sendable {
    public enum Outcome: Hashable, Sendable {
        case added
        case duplicate
        case equivocation
    }

    private struct Ballot: Sendable {
        let digest: Digest
        let signed: SignedMessage
    }

    private var slots: [VoteSlot: [ReplicaID: Ballot]] = [:]

    public init() {}

    /// Records `signed` as `voter`'s vote for `digest` in `slot`.
    public mutating func add(_ signed: SignedMessage, voter: ReplicaID, slot: VoteSlot, digest: Digest) -> Outcome {
        if let existing = slots[slot]?[voter] {
            return existing.digest == digest ? .duplicate : .equivocation
        }
        slots[slot, default: [:]][voter] = Ballot(digest: digest, signed: signed)
        return .added
    }

    /// How many distinct members voted for `digest` in `slot`.
    public func count(_ slot: VoteSlot, digest: Digest) -> Int {
        slots[slot]?.values.reduce(0) { $0 + ($1.digest == digest ? 1 : 0) } ?? 0
    }

    /// The first `quorum` votes for `digest` in `slot` by ascending member id, or nil if fewer.
    public func certificate(_ slot: VoteSlot, digest: Digest, quorum: Int) -> [SignedMessage]? {
        guard let ballots = slots[slot] else { return nil }
        let matching = ballots.filter { $0.value.digest == digest }.sorted { $0.key < $1.key }
        guard matching.count >= quorum else { return nil }
        return matching.prefix(quorum).map(\.value.signed)
    }

    /// Forgets every slot at or below `sequence` (log truncation at a stable checkpoint, §4.3).
    public mutating func discard(throughSequence sequence: UInt64) {
        slots = slots.filter { $0.key.sequence > sequence }
    }

    /// Forgets every slot of a view below `view` (after a view change, §4.4).
    public mutating func discard(viewsBelow view: UInt64) {
        slots = slots.filter { $0.key.view >= view }
    }

    /// Number of votes held, for tests of the memory bounds.
    public var storedVotes: Int { slots.values.reduce(0) { $0 + $1.count } }
}
