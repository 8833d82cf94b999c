import Testing
@testable import StrataConsensus

/// Bad input is dropped and counted and changes nothing else.
struct BadInputTests {
    struct Snapshot: Equatable {
        let view: UInt64, changing: Bool, low: UInt64, executed: UInt64, pending: Int
        init(_ replica: Replica) {
            view = replica.view
            changing = replica.isChangingView
            low = replica.lowWatermark
            executed = replica.lastExecuted
            pending = replica.pending.count
        }
    }

    /// A group that has committed two requests, so there is state to disturb.
    func warmGroup() throws -> LockstepGroup {
        var group = try LockstepGroup(members: 4)
        group.request(SimulatedRequests.proposal(id: 1))
        group.request(SimulatedRequests.proposal(id: 2))
        return group
    }

    func deliver(_ signed: SignedMessage, to group: inout LockstepGroup) -> (before: Snapshot, effects: [ConsensusEffect]) {
        let before = Snapshot(group.replicas[1])
        let effects = group.replicas[1].apply(.receive(signed))
        return (before, effects)
    }

    @Test("each kind of bad message is dropped, counted under its reason, and leaves the state as it was",
          arguments: ["nonMember", "badSignature", "forgedSender", "oldView", "farFuture", "oversize", "replayed", "futureView"])
    func dropped(kind: String) throws {
        var group = try warmGroup()
        let oracle = group.oracle
        let digest = SimulatedRequests.proposal(id: 3).digest
        let signed: SignedMessage
        switch kind {
        case "nonMember":
            signed = SignedMessage(message: .prepare(Vote(view: 0, sequence: 3, digest: digest, replica: ReplicaID(9))),
                                   signature: [9, 0x5A])
        case "badSignature":
            signed = SignedMessage(message: .prepare(Vote(view: 0, sequence: 3, digest: digest, replica: ReplicaID(2))),
                                   signature: [0xDE, 0xAD])
        case "forgedSender":  // r3 signs a vote that claims to be r2's
            signed = oracle.sign(.prepare(Vote(view: 0, sequence: 3, digest: digest, replica: ReplicaID(2))), by: 3)
        case "oldView":
            // A view change to view 1 (r0's pre-prepares are lost), then a vote for view 0.
            group = try LockstepGroup(members: 4)
            group.allows = { from, _, message in
                if case .prePrepare = message, from == 0 { return false } else { return true }
            }
            group.request(SimulatedRequests.proposal(id: 1))
            group.fire(.progress, at: [0, 1, 2, 3])
            #expect(group.replicas[1].view == 1 && !group.replicas[1].isChangingView)
            #expect(group.ledgers[1].count == 1)
            signed = group.oracle.sign(.prepare(Vote(view: 0, sequence: 2, digest: digest, replica: ReplicaID(2))), by: 2)
        case "farFuture":
            signed = oracle.sign(.prepare(Vote(view: 0, sequence: 1_000_000, digest: digest, replica: ReplicaID(2))), by: 2)
        case "oversize":
            let huge = Proposal(payload: Array(repeating: 1, count: (1 << 20) + 1), digest: digest)
            signed = oracle.sign(.prePrepare(PrePrepare(view: 0, sequence: 3, proposal: huge, replica: ReplicaID(0))), by: 0)
        case "replayed":
            signed = oracle.sign(.prepare(Vote(view: 0, sequence: 3, digest: digest, replica: ReplicaID(2))), by: 2)
            _ = group.replicas[1].apply(.receive(signed))
        default:  // futureView
            signed = oracle.sign(.prepare(Vote(view: 50, sequence: 3, digest: digest, replica: ReplicaID(2))), by: 2)
        }
        let countersBefore = group.replicas[1].counters.total
        let (before, effects) = deliver(signed, to: &group)
        #expect(effects.isEmpty)
        #expect(Snapshot(group.replicas[1]) == before)
        #expect(group.replicas[1].counters.total == countersBefore + 1)
        let counters = group.replicas[1].counters
        let expected: Int = switch kind {
        case "nonMember": counters.nonMember
        case "badSignature", "forgedSender": counters.badSignature
        case "oldView": counters.oldView
        case "farFuture": counters.outsideWindow
        case "oversize": counters.oversize
        case "replayed": counters.duplicate
        default: counters.futureView
        }
        #expect(expected >= 1)
    }

    @Test("a vote for a slot that already has its quorum is ignored as late, before its signature is checked")
    func lateVotes() throws {
        var group = try warmGroup()
        #expect(group.ledgers[1].count == 2)
        // The normal case itself leaves late votes: n - quorum per phase arrive after the quorum.
        #expect(group.replicas.allSatisfy { $0.counters.late > 0 })
        let digest = try #require(group.ledgers[1].first).proposal.digest
        let lateBefore = group.replicas[1].counters.late
        let dropsBefore = group.replicas[1].counters.total
        // Bad signatures: if they were checked they would count as badSignature.
        for message in [ConsensusMessage.commit(Vote(view: 0, sequence: 1, digest: digest, replica: ReplicaID(3))),
                        .prepare(Vote(view: 0, sequence: 2, digest: digest, replica: ReplicaID(3)))] {
            let (before, effects) = deliver(SignedMessage(message: message, signature: [0xDE, 0xAD]), to: &group)
            #expect(effects.isEmpty)
            #expect(Snapshot(group.replicas[1]) == before)
        }
        #expect(group.replicas[1].counters.late == lateBefore + 2)
        #expect(group.replicas[1].counters.total == dropsBefore)
        // A vote for a slot still short of its quorum is checked: the same forgery for sequence 3 is a bad signature.
        _ = deliver(SignedMessage(message: .prepare(Vote(view: 0, sequence: 3, digest: digest, replica: ReplicaID(3))),
                                  signature: [0xDE, 0xAD]), to: &group)
        #expect(group.replicas[1].counters.badSignature == 1)
    }

    @Test("just above the window at most one pre-prepare per sequence is held, and only the primary's")
    func heldAheadIsBounded() throws {
        var group = try warmGroup()
        let high = group.replicas[1].highWatermark
        func prePrepare(_ id: UInt64, at sequence: UInt64, by replica: Int) -> SignedMessage {
            group.oracle.sign(.prePrepare(PrePrepare(view: 0, sequence: sequence, proposal: SimulatedRequests.proposal(id: id),
                                                     replica: ReplicaID(replica))), by: replica)
        }
        let before = group.replicas[1].counters.outsideWindow
        _ = deliver(prePrepare(10, at: high + 1, by: 0), to: &group)
        _ = deliver(prePrepare(11, at: high + 1, by: 0), to: &group)  // the primary equivocating
        _ = deliver(prePrepare(12, at: high + 2, by: 2), to: &group)  // not the primary
        #expect(group.replicas[1].heldAhead[high + 1]?.count == 1)
        #expect(group.replicas[1].heldAhead[high + 2] == nil)
        #expect(group.replicas[1].counters.outsideWindow == before + 2)
    }

    @Test("a pre-prepare from a member that is not the primary is dropped as notPrimary")
    func notPrimary() throws {
        var group = try warmGroup()
        let prePrepare = PrePrepare(view: 0, sequence: 3, proposal: SimulatedRequests.proposal(id: 3), replica: ReplicaID(2))
        _ = group.replicas[1].apply(.receive(group.oracle.sign(.prePrepare(prePrepare), by: 2)))
        #expect(group.replicas[1].counters.notPrimary == 1)
    }

    @Test("the request queue is bounded: requests beyond maxPendingRequests are rejected and counted")
    func pendingBound() throws {
        var group = try LockstepGroup(members: 4) { $0.maxPendingRequests = 3 }
        for id in 1...5 { _ = group.replicas[1].apply(.request(SimulatedRequests.proposal(id: UInt64(id)))) }
        #expect(group.replicas[1].pending.count == 3)
        #expect(group.replicas[1].counters.rejectedRequest == 2)
    }

    @Test("invalid, mismatched, duplicate and already-executed requests are rejected")
    func badRequests() throws {
        var group = try warmGroup()
        var replica = group.replicas[1]
        _ = replica.apply(.request(SimulatedRequests.proposal(id: 7, valid: false)))
        _ = replica.apply(.request(Proposal(payload: [1, 2, 3], digest: SimulatedRequests.proposal(id: 7).digest)))
        _ = replica.apply(.request(SimulatedRequests.proposal(id: 1)))
        _ = replica.apply(.request(SimulatedRequests.proposal(id: 8)))
        _ = replica.apply(.request(SimulatedRequests.proposal(id: 8)))
        #expect(replica.counters.rejectedRequest == 4)
        #expect(replica.pending.map(\.digest) == [SimulatedRequests.proposal(id: 8).digest])
        group.replicas[1] = replica
    }

    @Test("a flood of votes for every slot stays within the window × members bound")
    func voteMemoryBounded() throws {
        var group = try LockstepGroup(members: 4)
        let oracle = group.oracle
        for sequence in UInt64(1)...200 {
            for view in UInt64(0)...10 {
                for voter in 0..<4 {
                    let vote = Vote(view: view, sequence: sequence, digest: Digest([UInt8(sequence % 251)]), replica: ReplicaID(voter))
                    _ = group.replicas[1].apply(.receive(oracle.sign(.prepare(vote), by: voter)))
                }
            }
        }
        let replica = group.replicas[1]
        let bound = Int(replica.config.logWindow) * Int(replica.config.maxViewLead + 1) * 4
        #expect(replica.prepareVotes.storedVotes <= bound)
        #expect(replica.counters.outsideWindow > 0 && replica.counters.futureView > 0)
    }

    @Test("a configuration with a window that is not a multiple of the checkpoint interval is refused with a clear error")
    func invalidConfig() {
        #expect(throws: ConsensusError.self) {
            _ = try Replica(id: ReplicaID(0), config: ConsensusConfig(members: 4, checkpointInterval: 4, logWindow: 6),
                            authenticator: OracleAuthenticator(oracle: SigningOracle(members: 4)), validator: SimulatedValidator())
        }
        do {
            _ = try Replica(id: ReplicaID(5), config: ConsensusConfig(members: 4),
                            authenticator: OracleAuthenticator(oracle: SigningOracle(members: 4)), validator: SimulatedValidator())
            Issue.record("a non-member id was accepted")
        } catch {
            #expect(error.code == .notMember)
            #expect(error.description.contains("r5"))
        }
    }

    @Test("only each member's latest view-change is held, however far ahead, and one member alone moves no one")
    func viewChangeBounds() throws {
        var group = try LockstepGroup(members: 4)
        let oracle = group.oracle
        func change(_ view: UInt64, from replica: Int) -> SignedMessage {
            oracle.sign(.viewChange(ViewChange(newView: view, stableSequence: 0, checkpointProof: [], prepared: [],
                                               replica: ReplicaID(replica))), by: replica)
        }
        _ = group.replicas[1].apply(.receive(change(2, from: 3)))
        _ = group.replicas[1].apply(.receive(change(2, from: 3)))
        _ = group.replicas[1].apply(.receive(change(1_000_000, from: 3)))
        _ = group.replicas[1].apply(.receive(change(5, from: 3)))
        #expect(group.replicas[1].counters.duplicate == 2)
        #expect(group.replicas[1].viewChanges.count == 1)
        #expect(group.replicas[1].view == 0)  // one member asking is not f+1
        // A second member ahead makes f+1: r1 moves to the lower of the two views, never further.
        _ = group.replicas[1].apply(.receive(change(7, from: 2)))
        #expect(group.replicas[1].view == 7 && group.replicas[1].isChangingView)
    }

    @Test("a view-change carrying more prepared certificates than the window is dropped as oversize")
    func oversizeViewChange() throws {
        var group = try LockstepGroup(members: 4)  // L = 4
        let proposal = SimulatedRequests.proposal(id: 1)
        let certificates = (1...5).map { PreparedCertificate(view: 0, sequence: UInt64($0), proposal: proposal, prepares: []) }
        let change = ViewChange(newView: 1, stableSequence: 0, checkpointProof: [], prepared: certificates, replica: ReplicaID(2))
        _ = group.replicas[1].apply(.receive(group.oracle.sign(.viewChange(change), by: 2)))
        #expect(group.replicas[1].counters.oversize == 1)
    }

    @Test("a view-change whose prepared certificate lacks 2f+1 authentic prepares is refused")
    func unprovenCertificate() throws {
        var group = try LockstepGroup(members: 4)
        let proposal = SimulatedRequests.proposal(id: 1)
        // r2 claims a prepared certificate with prepares it signed itself in others' names.
        let prepares = (0..<3).map { voter in
            group.oracle.sign(.prepare(Vote(view: 0, sequence: 1, digest: proposal.digest, replica: ReplicaID(voter))), by: 2)
        }
        let certificate = PreparedCertificate(view: 0, sequence: 1, proposal: proposal, prepares: prepares)
        let change = ViewChange(newView: 1, stableSequence: 0, checkpointProof: [], prepared: [certificate], replica: ReplicaID(2))
        _ = group.replicas[1].apply(.receive(group.oracle.sign(.viewChange(change), by: 2)))
        #expect(group.replicas[1].counters.badCertificate == 1)
    }
}
