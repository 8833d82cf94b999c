import StrataConsensus

/// How a Byzantine member rewrites what its (otherwise correct) core sends, per recipient. It
/// holds only its own key: anything it claims another member said fails verification.
extension Simulator {
    mutating func misbehave(_ message: ConsensusMessage, from node: Int, to target: Int) -> [SignedMessage] {
        let traits = nodes[node].traits
        let me = ReplicaID(node)
        var out: [ConsensusMessage] = [message]
        var forged: [SignedMessage] = []

        switch message {
        case .prePrepare(let m):
            if traits.contains(.invalidProposals), random.chance(perMille: 600) {
                let invalid = SimulatedRequests.proposal(id: 1_000_000 + m.sequence, valid: false)
                out = [.prePrepare(PrePrepare(view: m.view, sequence: m.sequence, proposal: invalid, replica: me))]
            } else if traits.contains(.equivocate), target % 2 == 1 {
                // A different, application-valid proposal for the same (view, sequence).
                let other = SimulatedRequests.proposal(id: 2_000_000 + m.view * 1000 + m.sequence)
                out = [.prePrepare(PrePrepare(view: m.view, sequence: m.sequence, proposal: other, replica: me))]
            }
        case .prepare(let m), .commit(let m):
            if traits.contains(.equivocate), target % 2 == 1 {
                // Colluding double votes: odd members get votes for the proposal an equivocating
                // primary sends them, even members for the genuine one.
                let other = SimulatedRequests.proposal(id: 2_000_000 + m.view * 1000 + m.sequence).digest
                let vote = Vote(view: m.view, sequence: m.sequence, digest: other, replica: me)
                out = [isPrepare(message) ? .prepare(vote) : .commit(vote)]
            }
            if traits.contains(.withholdVotes), random.chance(perMille: 500) { out = [] }
            if traits.contains(.wrongView), random.chance(perMille: 400) {
                let view = random.chance(perMille: 500) ? m.view + UInt64(random.int(in: 1...3)) : m.view &- 1
                let digest = Digest((0..<8).map { _ in UInt8(truncatingIfNeeded: random.next()) })
                let vote = Vote(view: view, sequence: m.sequence, digest: random.chance(perMille: 500) ? digest : m.digest,
                                replica: me)
                out.append(isPrepare(message) ? .prepare(vote) : .commit(vote))
            }
            if traits.contains(.forgeSignatures), random.chance(perMille: 300) {
                forged += forgeries(of: m, prepare: isPrepare(message), from: node, to: target)
            }
        case .viewChange(let m):
            if traits.contains(.withholdVotes), random.chance(perMille: 500) { out = [] }
            if traits.contains(.forgeSignatures), target % 2 == 1 {
                // A prepared certificate made up of prepares it signed in other members' names.
                let proposal = SimulatedRequests.proposal(id: 5_000_000 + m.newView)
                let prepares = (0..<plan.config.quorum).map { voter in
                    oracle.sign(.prepare(Vote(view: m.newView &- 1, sequence: m.stableSequence + 1, digest: proposal.digest,
                                              replica: ReplicaID(voter))), by: node)
                }
                let fake = PreparedCertificate(view: m.newView &- 1, sequence: m.stableSequence + 1, proposal: proposal,
                                               prepares: prepares)
                let rest = m.prepared.filter { $0.sequence != m.stableSequence + 1 }
                out = [.viewChange(ViewChange(newView: m.newView, stableSequence: m.stableSequence,
                                              checkpointProof: m.checkpointProof, prepared: [fake] + rest, replica: me))]
            }
        case .checkpoint:
            if traits.contains(.withholdVotes), random.chance(perMille: 500) { out = [] }
        case .newView(let m):
            if traits.contains(.equivocate), target % 2 == 1, !m.prePrepares.isEmpty {
                // A NEW-VIEW whose O does not follow from its view-changes.
                let forged = m.prePrepares.map { prePrepare in
                    PrePrepare(view: prePrepare.view, sequence: prePrepare.sequence,
                               proposal: SimulatedRequests.proposal(id: 3_000_000 + prePrepare.sequence), replica: me)
                }
                out = [.newView(NewView(view: m.view, viewChanges: m.viewChanges, prePrepares: forged, replica: me))]
            }
        case .entries(let m):
            if traits.contains(.forgeSignatures), let first = m.entries.first {
                // State transfer with a substituted proposal under the real certificate.
                let substitute = SimulatedRequests.proposal(id: 4_000_000 + first.sequence)
                let lie = CommittedEntry(view: first.view, sequence: first.sequence, proposal: substitute, commits: first.commits)
                out = [.entries(EntriesReply(entries: [lie] + m.entries.dropFirst(), replica: me))]
            }
        case .fetch:
            break
        }
        return out.map { oracle.sign($0, by: node) } + forged
    }

    private func isPrepare(_ message: ConsensusMessage) -> Bool {
        if case .prepare = message { return true }
        return false
    }

    /// A vote claiming another member's name (signed with the forger's own key), the same vote with
    /// garbage signature bytes, one from a non-member id, and an oversize proposal.
    private mutating func forgeries(of vote: Vote, prepare: Bool, from node: Int, to target: Int) -> [SignedMessage] {
        let members = plan.members
        let victim = ReplicaID((node + 1 + random.int(in: 0...(members - 2))) % members)
        let claimed = Vote(view: vote.view, sequence: vote.sequence, digest: vote.digest, replica: victim)
        let claimedMessage: ConsensusMessage = prepare ? .prepare(claimed) : .commit(claimed)
        let garbage = SignedMessage(message: claimedMessage, signature: (0..<2).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        let outsider = Vote(view: vote.view, sequence: vote.sequence, digest: vote.digest, replica: ReplicaID(members + 3))
        let huge = Proposal(payload: Array(repeating: SimulatedRequests.validMarker, count: plan.config.maxPayloadBytes + 1),
                            digest: vote.digest)
        let oversize = PrePrepare(view: vote.view, sequence: vote.sequence, proposal: huge, replica: ReplicaID(node))
        return [oracle.sign(claimedMessage, by: node), garbage,
                oracle.sign(.commit(outsider), by: node), oracle.sign(.prePrepare(oversize), by: node)]
    }
}
