import Testing
@testable import StrataConsensus

struct ViewChangeTests {
    @Test("a silent primary is replaced after the progress timeout and the request commits in view 1")
    func silentPrimary() throws {
        var group = try LockstepGroup(members: 4)
        group.allows = { from, _, _ in from != 0 }  // r0 crashed: nothing it sends arrives
        let proposal = SimulatedRequests.proposal(id: 1)
        group.request(proposal)
        #expect(group.ledgers[1].isEmpty)
        group.fire(.progress, at: [1, 2, 3])
        for node in 1...3 {
            #expect(group.replicas[node].view == 1)
            #expect(!group.replicas[node].isChangingView)
            #expect(group.digests(at: node) == [proposal.digest])
        }
    }

    @Test("an entry prepared in view 0 survives the view change at the same sequence number (§4.4)")
    func preparedEntrySurvives() throws {
        var group = try LockstepGroup(members: 4)
        // Commits are lost: the request prepares everywhere but commits nowhere in view 0.
        group.allows = { _, _, message in if case .commit = message { return false } else { return true } }
        let first = SimulatedRequests.proposal(id: 1)
        group.request(first)
        #expect(group.ledgers[2].isEmpty)
        group.allows = { _, _, _ in true }
        group.fire(.progress, at: [0, 1, 2, 3])
        for node in 0..<4 {
            #expect(group.replicas[node].view == 1)
            #expect(group.ledgers[node].map(\.sequence) == [1])
            #expect(group.digests(at: node) == [first.digest])
        }
    }

    @Test("an equivocating primary cannot get two proposals committed at one sequence number")
    func equivocation() throws {
        var group = try LockstepGroup(members: 4)
        let a = SimulatedRequests.proposal(id: 1), b = SimulatedRequests.proposal(id: 2)
        // r0 sends proposal a to r1 and b to r2 and r3 for the same (view 0, sequence 1).
        group.enqueue(.prePrepare(PrePrepare(view: 0, sequence: 1, proposal: a, replica: ReplicaID(0))), from: 0, to: [1])
        group.enqueue(.prePrepare(PrePrepare(view: 0, sequence: 1, proposal: b, replica: ReplicaID(0))), from: 0, to: [2, 3])
        group.settle()
        // Two backups for b plus r0 makes no quorum of prepares without r0's own prepare for b.
        for node in 1...3 { #expect(group.ledgers[node].count <= 1) }
        let committed = Set((1...3).compactMap { group.ledgers[$0].first?.proposal.digest })
        #expect(committed.count <= 1)
        // Clients retry; the backups time out, change view and order the requests consistently.
        for node in 1...3 {
            group.input(.request(a), at: node)
            group.input(.request(b), at: node)
        }
        group.settle()
        group.fire(.progress, at: [1, 2, 3])
        let ledgers = (1...3).map { group.digests(at: $0) }
        #expect(ledgers.allSatisfy { $0 == ledgers[0] })
        #expect(Set(ledgers[0]).isSuperset(of: [a.digest, b.digest]))
    }

    @Test("f+1 view-changes for a higher view pull a member along (§4.5.2)")
    func joinRule() throws {
        var group = try LockstepGroup(members: 4)
        group.allows = { from, _, _ in from != 0 }
        group.request(SimulatedRequests.proposal(id: 1), to: [1, 2, 3])
        // Only r1 and r2 time out; r3 joins once it has two (f+1) view-changes.
        group.fire(.progress, at: [1, 2])
        #expect(group.replicas[3].view == 1)
        #expect(group.ledgers[3].count == 1)
    }

    @Test("a NEW-VIEW whose pre-prepares do not follow from its view-changes is rejected and its sender replaced")
    func forgedNewView() throws {
        var group = try LockstepGroup(members: 4)
        group.allows = { from, _, _ in from != 0 }
        group.input(.request(SimulatedRequests.proposal(id: 1)), at: 1)
        group.input(.request(SimulatedRequests.proposal(id: 1)), at: 2)
        group.input(.request(SimulatedRequests.proposal(id: 1)), at: 3)
        group.queue.removeAll()
        // Collect view-changes for view 1 without delivering the honest NEW-VIEW.
        group.allows = { from, _, message in
            if case .newView = message { return false }
            return from != 0
        }
        group.fire(.progress, at: [1, 2, 3])
        let changes = group.oracle  // r1 is the primary of view 1; it signs a NEW-VIEW with an invented entry.
        var envelopes: [SignedMessage] = []
        for node in 1...3 {
            if let change = group.effectsSeen[node].compactMap({ effect -> ConsensusMessage? in
                if case .broadcast(let message) = effect, case .viewChange = message { return message }
                return nil
            }).first { envelopes.append(changes.sign(change, by: node)) }
        }
        let invented = PrePrepare(view: 1, sequence: 1, proposal: SimulatedRequests.proposal(id: 99), replica: ReplicaID(1))
        let forged = NewView(view: 1, viewChanges: envelopes, prePrepares: [invented], replica: ReplicaID(1))
        _ = group.replicas[2].apply(.receive(group.oracle.sign(.newView(forged), by: 1)))
        #expect(group.replicas[2].counters.badCertificate == 1)
        #expect(group.replicas[2].view == 2)
        #expect(group.replicas[2].isChangingView)
    }
}

struct CensorshipTests {
    @Test("a primary that orders other requests but never one of them is still replaced (the timer watches the oldest)")
    func censoredRequest() throws {
        var group = try LockstepGroup(members: 4)
        let censored = SimulatedRequests.proposal(id: 100)
        group.request(censored, to: [1, 2, 3])  // the primary r0 ignores it
        for id in 1...3 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        #expect(group.ledgers[1].count == 3)
        // Three executions did not restart the backups' progress timer: it was armed once, for the censored request.
        #expect(group.timers[1].filter { $0.kind == .progress }.count == 1)
        group.fire(.progress, at: [1, 2, 3])
        for node in 0..<4 {
            #expect(group.replicas[node].view == 1)
            #expect(group.digests(at: node).last == censored.digest)
        }
    }
}
