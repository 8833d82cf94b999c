import Testing
@testable import StrataConsensus

struct VoteKeeperTests {
    let oracle = SigningOracle(members: 4)
    let slot = VoteSlot(view: 0, sequence: 1)
    let digest = SimulatedRequests.proposal(id: 1).digest

    func vote(_ replica: Int, _ digest: Digest) -> SignedMessage {
        oracle.sign(.prepare(Vote(view: 0, sequence: 1, digest: digest, replica: ReplicaID(replica))), by: replica)
    }

    @Test("a quorum certificate appears only with 2f+1 distinct members, in member order")
    func quorumOfDistinctMembers() {
        var keeper = VoteKeeper()
        #expect(keeper.add(vote(2, digest), voter: ReplicaID(2), slot: slot, digest: digest) == .added)
        #expect(keeper.add(vote(0, digest), voter: ReplicaID(0), slot: slot, digest: digest) == .added)
        #expect(keeper.certificate(slot, digest: digest, quorum: 3) == nil)
        #expect(keeper.add(vote(3, digest), voter: ReplicaID(3), slot: slot, digest: digest) == .added)
        let certificate = keeper.certificate(slot, digest: digest, quorum: 3)
        #expect(certificate?.map(\.message.sender) == [ReplicaID(0), ReplicaID(2), ReplicaID(3)])
    }

    @Test("a repeated vote is a duplicate and a second digest from one member is an equivocation; neither counts")
    func oneVotePerMember() {
        var keeper = VoteKeeper()
        let other = SimulatedRequests.proposal(id: 2).digest
        _ = keeper.add(vote(1, digest), voter: ReplicaID(1), slot: slot, digest: digest)
        #expect(keeper.add(vote(1, digest), voter: ReplicaID(1), slot: slot, digest: digest) == .duplicate)
        #expect(keeper.add(vote(1, other), voter: ReplicaID(1), slot: slot, digest: other) == .equivocation)
        #expect(keeper.count(slot, digest: digest) == 1)
        #expect(keeper.count(slot, digest: other) == 0)
        #expect(keeper.storedVotes == 1)
    }

    @Test("votes split across digests or views do not add up")
    func separateSlotsAndDigests() {
        var keeper = VoteKeeper()
        let other = SimulatedRequests.proposal(id: 2).digest
        _ = keeper.add(vote(0, digest), voter: ReplicaID(0), slot: slot, digest: digest)
        _ = keeper.add(vote(1, other), voter: ReplicaID(1), slot: slot, digest: other)
        _ = keeper.add(vote(2, digest), voter: ReplicaID(2), slot: VoteSlot(view: 1, sequence: 1), digest: digest)
        #expect(keeper.count(slot, digest: digest) == 1)
        #expect(keeper.certificate(slot, digest: digest, quorum: 2) == nil)
    }

    @Test("discarding through a sequence and below a view frees the votes")
    func discard() {
        var keeper = VoteKeeper()
        _ = keeper.add(vote(0, digest), voter: ReplicaID(0), slot: slot, digest: digest)
        _ = keeper.add(vote(1, digest), voter: ReplicaID(1), slot: VoteSlot(view: 2, sequence: 5), digest: digest)
        keeper.discard(throughSequence: 1)
        #expect(keeper.storedVotes == 1)
        keeper.discard(viewsBelow: 3)
        #expect(keeper.storedVotes == 0)
    }
}
