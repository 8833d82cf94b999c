import Testing
@testable import StrataConsensus

/// Restart from the write-ahead log and the ledger (`Replica(restoring:ledger:)`).
struct RestoreTests {
    func records(of effects: [ConsensusEffect]) -> [DurableRecord] {
        effects.compactMap { effect in
            if case .persist(let record) = effect { return record }
            return nil
        }
    }

    func head(_ ledger: [CommittedEntry]) -> LedgerHead {
        let digests = ledger.map(\.proposal).filter { !$0.isNull }.map(\.digest)
        return LedgerHead(sequence: UInt64(ledger.count), stateDigest: digests.last ?? .null, recentDigests: digests)
    }

    @Test("a restarted member comes back in its view with its stable checkpoint and executed prefix")
    func restoresViewAndWatermark() throws {
        var group = try LockstepGroup(members: 4)
        group.allows = { from, _, _ in from != 0 }
        group.request(SimulatedRequests.proposal(id: 1), to: [1, 2, 3])
        group.fire(.progress, at: [1, 2, 3])
        for id in 2...5 { group.request(SimulatedRequests.proposal(id: UInt64(id)), to: [1, 2, 3]) }
        let restored = try Replica(id: ReplicaID(2), config: group.replicas[2].config,
                                   authenticator: OracleAuthenticator(oracle: group.oracle), validator: SimulatedValidator(),
                                   restoring: records(of: group.effectsSeen[2]), ledger: head(group.ledgers[2]))
        #expect(restored.view == group.replicas[2].view)
        #expect(!restored.isChangingView)
        #expect(restored.lowWatermark == group.replicas[2].lowWatermark)
        #expect(restored.lowWatermark == 4)
        #expect(restored.lastExecuted == 5)
    }

    @Test("a log pruned at its stable checkpoint restores the same member as the whole log, and stays short")
    func prunedLogRestoresTheSame() throws {
        var group = try LockstepGroup(members: 4)  // K = 2, L = 4
        group.allows = { from, _, _ in from != 0 }
        group.request(SimulatedRequests.proposal(id: 1), to: [1, 2, 3])
        group.fire(.progress, at: [1, 2, 3])  // view 1
        for id in 2...9 { group.request(SimulatedRequests.proposal(id: UInt64(id)), to: [1, 2, 3]) }
        for member in 1...3 {
            let all = records(of: group.effectsSeen[member])
            let drop = Set(DurableRecord.prunable(all))
            let pruned = all.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            #expect(pruned.count < all.count / 2, "r\(member): \(all.count) records -> \(pruned.count)")
            func restore(_ log: [DurableRecord]) throws -> Replica {
                try Replica(id: ReplicaID(member), config: group.replicas[member].config,
                            authenticator: OracleAuthenticator(oracle: group.oracle), validator: SimulatedValidator(),
                            restoring: log, ledger: head(group.ledgers[member]))
            }
            let (whole, short) = (try restore(all), try restore(pruned))
            #expect(short.view == whole.view && short.isChangingView == whole.isChangingView)
            #expect(short.lowWatermark == whole.lowWatermark && short.lowWatermark >= 8)
            #expect(short.lastNormalView == whole.lastNormalView && short.nextSequence == whole.nextSequence)
            #expect(short.restoredPrepares == whole.restoredPrepares)
            #expect(short.ownViewChange == whole.ownViewChange)
            #expect(short.log.mapValues(\.certificate) == whole.log.mapValues(\.certificate))
        }
    }

    @Test("after a restart a member refuses to prepare a different proposal for a slot it already prepared")
    func noEquivocationAfterRestart() throws {
        var group = try LockstepGroup(members: 4)
        // r1 prepares proposal a at (view 0, sequence 1); commits are lost so nothing executes.
        group.allows = { _, _, message in if case .commit = message { return false } else { return true } }
        let a = SimulatedRequests.proposal(id: 1), b = SimulatedRequests.proposal(id: 2)
        group.request(a)
        var restarted = try Replica(id: ReplicaID(1), config: group.replicas[1].config,
                                    authenticator: OracleAuthenticator(oracle: group.oracle), validator: SimulatedValidator(),
                                    restoring: records(of: group.effectsSeen[1]), ledger: .genesis)
        // The primary (faulty) now proposes b for the same slot to the restarted member.
        let conflicting = PrePrepare(view: 0, sequence: 1, proposal: b, replica: ReplicaID(0))
        let effects = restarted.apply(.receive(group.oracle.sign(.prePrepare(conflicting), by: 0)))
        #expect(!effects.contains { if case .broadcast(.prepare) = $0 { return true } else { return false } })
        #expect(restarted.counters.equivocation == 1)
        // The same proposal again is fine: the member repeats its earlier vote.
        let same = PrePrepare(view: 0, sequence: 1, proposal: a, replica: ReplicaID(0))
        let repeated = restarted.apply(.receive(group.oracle.sign(.prePrepare(same), by: 0)))
        #expect(repeated.contains(.broadcast(.prepare(Vote(view: 0, sequence: 1, digest: a.digest, replica: ReplicaID(1))))))
    }

    @Test("a member restarted during a view change resumes it and repeats its view-change")
    func restartDuringViewChange() throws {
        var group = try LockstepGroup(members: 4)
        group.allows = { from, _, _ in from == 1 }  // only r1's messages get out: the view change stalls
        group.request(SimulatedRequests.proposal(id: 1), to: [1])
        group.fire(.progress, at: [1])
        #expect(group.replicas[1].isChangingView && group.replicas[1].view == 1)
        var restarted = try Replica(id: ReplicaID(1), config: group.replicas[1].config,
                                    authenticator: OracleAuthenticator(oracle: group.oracle), validator: SimulatedValidator(),
                                    restoring: records(of: group.effectsSeen[1]), ledger: .genesis)
        #expect(restarted.isChangingView && restarted.view == 1)
        let effects = restarted.apply(.resume)
        #expect(effects.contains { if case .broadcast(.viewChange(let change)) = $0 { return change.newView == 1 } else { return false } })
        #expect(effects.contains { if case .scheduleTimer(let timer, _) = $0 { return timer.kind == .viewChange } else { return false } })
    }

    @Test("a new primary restarted between sending NEW-VIEW and installing it sends it again and installs the view")
    func restartAfterNewView() throws {
        var group = try LockstepGroup(members: 4)
        // Proposal 1 prepares everywhere in view 0 but its commits are lost; then r0 goes silent.
        group.allows = { _, _, message in if case .commit = message { return false } else { return true } }
        group.request(SimulatedRequests.proposal(id: 1))
        group.allows = { from, _, _ in from != 0 }
        group.fire(.progress, at: [1, 2, 3])
        // r1's write-ahead log up to the NEW-VIEW it persisted: the crash came before its own copy arrived.
        let all = records(of: group.effectsSeen[1])
        let cut = try #require(all.firstIndex { if case .sent(.newView) = $0 { return true } else { return false } })
        var restarted = try Replica(id: ReplicaID(1), config: group.replicas[1].config,
                                    authenticator: OracleAuthenticator(oracle: group.oracle), validator: SimulatedValidator(),
                                    restoring: Array(all[...cut]), ledger: .genesis)
        #expect(restarted.isChangingView && restarted.view == 1)
        let resumed = restarted.apply(.resume)
        let newView = try #require(resumed.compactMap { effect -> ConsensusMessage? in
            if case .broadcast(let message) = effect, case .newView = message { return message }
            return nil
        }.first)
        let installed = restarted.apply(.receive(group.oracle.sign(newView, by: 1)))
        #expect(!restarted.isChangingView && restarted.view == 1)
        // It re-prepares the entry O carried over from view 0 at its sequence number.
        #expect(installed.contains(.broadcast(.prepare(Vote(view: 1, sequence: 1, digest: SimulatedRequests.proposal(id: 1).digest,
                                                            replica: ReplicaID(1))))))
        // And it numbers new proposals after O.
        let next = restarted.apply(.request(SimulatedRequests.proposal(id: 2)))
        #expect(next.contains { if case .broadcast(.prePrepare(let p)) = $0 { return p.sequence == 2 } else { return false } })
    }
}
