import Testing
@testable import StrataConsensus

struct NormalCaseTests {
    @Test("given four members, a request commits at sequence 1 everywhere with a 2f+1 commit certificate")
    func requestCommits() throws {
        var group = try LockstepGroup(members: 4)
        let proposal = SimulatedRequests.proposal(id: 1)
        group.request(proposal)
        for node in 0..<4 {
            #expect(group.digests(at: node) == [proposal.digest])
            #expect(group.ledgers[node].first?.sequence == 1)
            #expect(group.ledgers[node].first?.signers.count == 3)
            #expect(group.replicas[node].pending.isEmpty)
        }
    }

    @Test("every vote, proposal and checkpoint is persisted before it is broadcast")
    func persistBeforeSend() throws {
        var group = try LockstepGroup(members: 4)
        for id in 1...3 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        for effects in group.effectsSeen {
            var durable = Set<ConsensusMessage>()
            var sent = 0
            for effect in effects {
                if case .persist(.sent(let message)) = effect { durable.insert(message) }
                if case .broadcast(let message) = effect {
                    #expect(durable.contains(message), "\(message.kind) broadcast before persist")
                    sent += 1
                }
            }
            #expect(sent > 0)
        }
    }

    @Test("after K executions a checkpoint becomes stable and the low watermark moves (log truncated)")
    func checkpointMovesWatermark() throws {
        var group = try LockstepGroup(members: 4)  // K = 2, L = 4
        for id in 1...5 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        for node in 0..<4 {
            #expect(group.ledgers[node].count == 5)
            #expect(group.replicas[node].lowWatermark == 4)
            #expect(group.replicas[node].highWatermark == 8)
        }
    }

    @Test("a pre-prepare and votes just above a backup's window are held until its window moves, then commit")
    func justAheadIsHeld() throws {
        final class Captured { var messages: [(from: Int, ConsensusMessage)] = [] }
        var group = try LockstepGroup(members: 4)  // K = 2, L = 4
        let captured = Captured()
        // r1 hears nothing for now; the other three (a quorum) order five requests.
        group.allows = { from, to, message in
            if to == 1 { captured.messages.append((from, message)) }
            return to != 1
        }
        for id in 1...5 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        #expect(group.ledgers[0].count == 5 && group.ledgers[1].isEmpty)
        #expect(group.replicas[1].highWatermark == 4)
        // Then r1 gets everything about sequence 5 (its h + L + 1) first, the rest after, as can
        // happen when the primary's window moved before r1's.
        group.allows = { _, _, _ in true }
        func sequence(of message: ConsensusMessage) -> UInt64? {
            switch message {
            case .prePrepare(let m): m.sequence
            case .prepare(let m), .commit(let m): m.sequence
            default: nil
            }
        }
        let ahead = captured.messages.filter { sequence(of: $0.1) == 5 }
        let rest = captured.messages.filter { sequence(of: $0.1) != 5 }
        for (from, message) in ahead { group.input(.receive(group.oracle.sign(message, by: from)), at: 1) }
        #expect(group.replicas[1].heldAhead[5]?.isEmpty == false, "held, not dropped")
        for (from, message) in rest {
            group.input(.receive(group.oracle.sign(message, by: from)), at: 1)
            group.settle()
        }
        #expect(group.digests(at: 1) == group.digests(at: 0), "r1 executed all five, sequence 5 from the held messages")
        #expect(group.replicas[1].heldAhead.isEmpty)
    }

    @Test("a primary restarts its progress timer on every execution, though its oldest request still waits")
    func primaryRestartsItsTimer() throws {
        var group = try LockstepGroup(members: 4)
        let x = SimulatedRequests.proposal(id: 1), y = SimulatedRequests.proposal(id: 2)
        // View 0: only r1 (the next primary) has X; Y prepares everywhere but commits nowhere.
        group.allows = { _, _, message in if case .commit = message { false } else { true } }
        group.request(x, to: [1])
        group.request(y)
        #expect(group.replicas[1].pending.map(\.digest) == [x.digest, y.digest])
        // View 1: r1 re-proposes Y at sequence 1 (from the view-changes) and X at 2, whose commits stay lost.
        group.allows = { _, _, message in if case .commit(let vote) = message { vote.sequence != 2 } else { true } }
        let start = group.effectsSeen[1].count
        group.fire(.progress, at: [0, 1, 2, 3])
        #expect(group.replicas[1].view == 1 && group.replicas[1].isPrimary)
        #expect(group.digests(at: 1) == [y.digest])
        #expect(group.replicas[1].pending.map(\.digest) == [x.digest], "X, its oldest request, still waits")
        // Executing Y restarted r1's timer: a busy primary whose oldest request waits behind the
        // window must not suspect itself while commits flow (a backup's timer keeps watching X).
        let effects = Array(group.effectsSeen[1][start...])
        let executed = try #require(effects.firstIndex { if case .commit(let entry) = $0 { entry.proposal.digest == y.digest } else { false } })
        #expect(effects[executed...].contains { if case .scheduleTimer(let timer, _) = $0 { timer.kind == .progress } else { false } })
    }

    @Test("the primary never proposes beyond the high watermark: requests wait until a checkpoint is stable")
    func windowBoundsProposals() throws {
        var group = try LockstepGroup(members: 4)
        // Checkpoints are lost, so the window (h = 0, L = 4) fills after 4 sequence numbers.
        group.allows = { _, _, message in if case .checkpoint = message { return false } else { return true } }
        for id in 1...6 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        #expect(group.ledgers[0].count == 4)
        #expect(group.replicas[0].pending.count == 2)
    }

    @Test("GMUC: members vote only for the aggregate they recompute, so a leader's wrong aggregate never commits")
    func validityPredicate() throws {
        let correct = SimulatedRequests.proposal(id: 10)
        let wrong = SimulatedRequests.proposal(id: 11)
        let validators = (0..<4).map { _ in ExpectedAggregate(expected: correct.digest) as any ProposalValidator }
        var group = try LockstepGroup(members: 4, validators: validators)
        // The leader (r0) proposes a wrong aggregate; its request bypasses its own check here by
        // arriving as a pre-prepare from the leader itself.
        let prePrepare = PrePrepare(view: 0, sequence: 1, proposal: wrong, replica: ReplicaID(0))
        group.enqueue(.prePrepare(prePrepare), from: 0, to: [1, 2, 3])
        group.settle()
        for node in 1...3 {
            #expect(group.ledgers[node].isEmpty)
            #expect(group.replicas[node].counters.invalidProposal == 1)
            #expect(group.replicas[node].view == 1)
        }
        // The members' own aggregate commits in view 1 under the next leader.
        group.request(correct, to: [1, 2, 3])
        for node in 1...3 { #expect(group.digests(at: node) == [correct.digest]) }
        #expect(group.replicas[1].view == 1)
    }
}

/// A GMUC member's check: accept only the aggregate it computed itself.
struct ExpectedAggregate: ProposalValidator {
    let expected: Digest
    func digestMatches(_ proposal: Proposal) -> Bool { SimulatedValidator().digestMatches(proposal) }
    func isAcceptable(_ proposal: Proposal, at sequence: UInt64) -> Bool { proposal.digest == expected }
}

/// A driver may hand a primary its own PRE-PREPARE back only after other inputs (the live driver
/// did once): the primary must still give every request exactly one sequence number.
struct OwnProposalTests {
    @Test("a primary whose own PRE-PREPARE has not come back yet does not propose the same request again")
    func noSecondSequenceNumber() throws {
        let group = try LockstepGroup(members: 4)
        var primary = group.replicas[0]
        let first = SimulatedRequests.proposal(id: 1), second = SimulatedRequests.proposal(id: 2)
        func prePrepares(_ effects: [ConsensusEffect]) -> [(UInt64, Digest)] {
            effects.compactMap { effect in
                if case .broadcast(.prePrepare(let m)) = effect { return (m.sequence, m.proposal.digest) }
                return nil
            }
        }
        let afterFirst = prePrepares(primary.apply(.request(first)))
        #expect(afterFirst.map(\.0) == [1] && afterFirst.map(\.1) == [first.digest])
        // The loopback of PRE-PREPARE(1) is still queued when the next request arrives.
        let afterSecond = prePrepares(primary.apply(.request(second)))
        #expect(afterSecond.map(\.0) == [2] && afterSecond.map(\.1) == [second.digest], "request 1 is not proposed again")
    }
}
