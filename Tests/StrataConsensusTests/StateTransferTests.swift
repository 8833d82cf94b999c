import Testing
@testable import StrataConsensus

struct StateTransferTests {
    @Test("a member cut off for several checkpoints catches up from one peer with verified commit certificates")
    func catchUpAfterPartition() throws {
        var group = try LockstepGroup(members: 4)  // K = 2, L = 4
        group.allows = { from, to, _ in from != 3 && to != 3 }
        for id in 1...9 { group.request(SimulatedRequests.proposal(id: UInt64(id)), to: [0, 1, 2]) }
        #expect(group.ledgers[0].count == 9)
        #expect(group.ledgers[3].isEmpty)
        // r3 comes back: the next checkpoints it hears are far above its window, so it fetches.
        group.allows = { _, _, _ in true }
        group.input(.resume, at: 3)
        group.settle()
        #expect(group.digests(at: 3) == group.digests(at: 0))
        for id in 10...11 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        #expect(group.ledgers[3].count == 11)
        #expect(group.digests(at: 3) == group.digests(at: 0))
    }

    @Test("entries whose commit certificate does not verify are refused")
    func forgedEntriesRefused() throws {
        var group = try LockstepGroup(members: 4)
        let proposal = SimulatedRequests.proposal(id: 1)
        // A commit certificate r2 fabricated alone: three commits, all signed with r2's key.
        let commits = (0..<3).map { voter in
            group.oracle.sign(.commit(Vote(view: 0, sequence: 1, digest: proposal.digest, replica: ReplicaID(voter))), by: 2)
        }
        let entry = CommittedEntry(view: 0, sequence: 1, proposal: proposal, commits: commits)
        _ = group.replicas[3].apply(.receive(group.oracle.sign(.entries(EntriesReply(entries: [entry], replica: ReplicaID(2))), by: 2)))
        #expect(group.replicas[3].lastExecuted == 0)
        #expect(group.replicas[3].counters.badCertificate == 1)
    }
}

struct StateTransferSafetyTests {
    @Test("a member that prepared an entry and then executed it by state transfer still reports its prepared certificate in a view-change")
    func certificateSurvivesTransfer() throws {
        var group = try LockstepGroup(members: 4)
        // r3 prepares proposal 1 but never sees the commits, so it does not commit it itself.
        group.allows = { _, to, message in
            if case .commit = message, to == 3 { return false }
            return true
        }
        let proposal = SimulatedRequests.proposal(id: 1)
        group.request(proposal)
        #expect(group.ledgers[3].isEmpty)
        group.allows = { _, _, _ in true }
        group.input(.resume, at: 3)  // fetches: executes 1 from a peer's ledger
        group.settle()
        #expect(group.digests(at: 3) == [proposal.digest])
        group.input(.request(SimulatedRequests.proposal(id: 2)), at: 3)
        group.queue.removeAll()
        group.fire(.progress, at: [3])
        let change = group.effectsSeen[3].compactMap { effect -> ViewChange? in
            if case .broadcast(.viewChange(let change)) = effect { return change }
            return nil
        }.first
        // Sequence 1 is above the stable checkpoint (none yet), so its certificate must be there:
        // without it a new view could fill sequence 1 with the null request (found by the simulator).
        #expect(change?.prepared.map(\.sequence) == [1])
        #expect(change?.prepared.first?.proposal == proposal)
    }
}
