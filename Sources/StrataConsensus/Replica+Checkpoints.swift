/// Checkpoints, garbage collection and the watermarks (Castro & Liskov §4.3).
extension Replica {
    /// A CHECKPOINT in the window is counted; 2f+1 matching ones make it stable. One above the
    /// window is remembered per member (only its latest, so at most n are held).
    mutating func onCheckpoint(_ m: Checkpoint, _ signed: SignedMessage, _ out: inout [ConsensusEffect]) {
        guard m.sequence % config.checkpointInterval == 0, m.sequence > 0 else { counters.malformed += 1; return }
        guard m.sequence > lowWatermark else { counters.outsideWindow += 1; return }
        if m.sequence > highWatermark {
            if let known = farCheckpoints[m.replica], case .checkpoint(let held) = known.message, held.sequence >= m.sequence {
                counters.duplicate += 1
                return
            }
            farCheckpoints[m.replica] = signed
            onFarCheckpoint(&out)
            return
        }
        let slot = VoteSlot(view: 0, sequence: m.sequence)
        guard count(checkpointVotes.add(signed, voter: m.replica, slot: slot, digest: m.digest)) else { return }
        if let proof = checkpointVotes.certificate(slot, digest: m.digest, quorum: config.quorum) {
            makeStable(m.sequence, proof: proof, &out)
        }
    }

    /// Far checkpoints (latest per member above h + L): 2f+1 matching ones are a stable checkpoint
    /// proof in their own right, so the window jumps there (a member back from a partition does
    /// not wait for the next in-window checkpoint); f+1 above the window prove that at least one
    /// correct member is ahead, so this member fetches up to the (f+1)-th highest.
    mutating func onFarCheckpoint(_ out: inout [ConsensusEffect]) {
        var groups: [Checkpoint: [SignedMessage]] = [:]
        var ahead: [UInt64] = []
        for signed in farCheckpoints.values {
            guard case .checkpoint(let checkpoint) = signed.message, checkpoint.sequence > highWatermark else { continue }
            let key = Checkpoint(sequence: checkpoint.sequence, digest: checkpoint.digest, replica: ReplicaID(0))
            groups[key, default: []].append(signed)
            ahead.append(checkpoint.sequence)
        }
        let stable = groups.filter { $0.value.count >= config.quorum }.max { $0.key.sequence < $1.key.sequence }
        if let (checkpoint, proof) = stable {
            makeStable(checkpoint.sequence, proof: proof.sorted { $0.message.sender < $1.message.sender }, &out)
        } else if ahead.count >= config.weakQuorum {
            beginFetch(upTo: ahead.sorted(by: >)[config.weakQuorum - 1], &out)
        }
    }

    /// A checkpoint with a proof of 2f+1 signatures is stable: h moves to it and everything at or
    /// below it is discarded (§4.3). A member that has not executed that far fetches the entries.
    mutating func makeStable(_ sequence: UInt64, proof: [SignedMessage], _ out: inout [ConsensusEffect]) {
        guard sequence > lowWatermark else { return }
        lowWatermark = sequence
        stableProof = proof
        out.append(.persist(.stableCheckpoint(sequence: sequence, proof: proof)))
        restoredPrepares = restoredPrepares.filter { $0.key.sequence > sequence }
        log = log.filter { $0.key > sequence }
        prepareVotes.discard(throughSequence: sequence)
        commitVotes.discard(throughSequence: sequence)
        checkpointVotes.discard(throughSequence: sequence)
        ownCheckpoints = ownCheckpoints.filter { $0.key > sequence }
        farCheckpoints = farCheckpoints.filter { _, signed in
            if case .checkpoint(let checkpoint) = signed.message { return checkpoint.sequence > highWatermark }
            return false
        }
        if lastExecuted < sequence { beginFetch(upTo: sequence, &out) }
        releaseHeld(&out)
        proposeQueued(&out)
    }

    /// Checks a stable-checkpoint proof: 2f+1 authentic CHECKPOINTs from distinct members for the
    /// same (sequence, digest). Sequence 0 (the genesis) needs no proof.
    func isValidCheckpointProof(_ proof: [SignedMessage], sequence: UInt64) -> Bool {
        if sequence == 0 { return proof.isEmpty }
        guard sequence % config.checkpointInterval == 0 else { return false }
        var signers = Set<ReplicaID>()
        var digest: Digest?
        for envelope in proof {
            guard case .checkpoint(let checkpoint) = envelope.message, checkpoint.sequence == sequence,
                  config.isMember(checkpoint.replica), digest == nil || digest == checkpoint.digest,
                  authenticator.isAuthentic(envelope) else { return false }
            digest = checkpoint.digest
            signers.insert(checkpoint.replica)
        }
        return signers.count >= config.quorum
    }
}
