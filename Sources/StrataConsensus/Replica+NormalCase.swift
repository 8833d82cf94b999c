/// Normal-case operation: request, pre-prepare, prepare, commit, execute (Castro & Liskov §4.2).
extension Replica {
    // MARK: Requests

    /// A request joins the pending queue; the primary proposes it at once if its window allows.
    /// Backups keep it so their progress timer can suspect a primary that never orders it (§4.4),
    /// and so a new primary can propose it after a view change.
    mutating func request(_ proposal: Proposal, _ out: inout [ConsensusEffect]) {
        guard !proposal.isNull,
              proposal.payload.count <= config.maxPayloadBytes,
              proposal.digest.bytes.count <= config.maxDigestBytes,
              validator.digestMatches(proposal),
              validator.isAcceptable(proposal, at: max(lastExecuted, nextSequence - 1) + 1),
              !executedSet.contains(proposal.digest),
              !pending.contains(where: { $0.digest == proposal.digest }),
              pending.count < config.maxPendingRequests
        else { counters.rejectedRequest += 1; return }
        pending.append(proposal)
        updateProgressTimer(&out)
        proposeQueued(&out)
    }

    /// The primary assigns the next sequence numbers in (h, h + L] to pending requests not yet in
    /// the log (§4.2: "the primary assigns a sequence number n … within the watermarks").
    mutating func proposeQueued(_ out: inout [ConsensusEffect]) {
        guard isPrimary, !isChangingView, !pending.isEmpty else { return }
        nextSequence = max(nextSequence, lowWatermark + 1, lastExecuted + 1)
        var inFlight = Set<Digest>()
        for (sequence, entry) in log where sequence > lastExecuted {
            if let prePrepare = entry.prePrepare { inFlight.insert(prePrepare.proposal.digest) }
            if let committed = entry.committed { inFlight.insert(committed.proposal.digest) }
        }
        ownProposals = ownProposals.filter { $0.value == view }
        for proposal in pending where !inFlight.contains(proposal.digest) && ownProposals[proposal.digest] == nil {
            guard nextSequence <= highWatermark else { return }
            let prePrepare = PrePrepare(view: view, sequence: nextSequence, proposal: proposal, replica: id)
            nextSequence += 1
            ownProposals[proposal.digest] = view
            persistAndBroadcast(.prePrepare(prePrepare), &out)
        }
    }

    // MARK: Pre-prepare

    /// A backup accepts a pre-prepare if it is from the primary of its current view, in the window,
    /// matches its digest, is the first for (v, n), and the application accepts it; then it sends
    /// PREPARE (§4.2). An invalid proposal triggers a view change (Strata: GMUC members reject a
    /// wrong aggregate and replace the leader).
    mutating func onPrePrepare(_ m: PrePrepare, _ out: inout [ConsensusEffect]) {
        guard m.replica == config.primary(of: m.view) else { counters.notPrimary += 1; return }
        guard m.view >= view else { counters.oldView += 1; return }
        guard m.view == view, !isChangingView else { counters.futureView += 1; return }
        guard m.sequence > lowWatermark, m.sequence <= highWatermark else { counters.outsideWindow += 1; return }
        if let accepted = log[m.sequence]?.prePrepare {
            if accepted.proposal.digest == m.proposal.digest { counters.duplicate += 1 } else { counters.equivocation += 1 }
            return
        }
        guard validator.digestMatches(m.proposal),
              m.proposal.isNull || validator.isAcceptable(m.proposal, at: m.sequence)
        else {
            counters.invalidProposal += 1
            startViewChange(to: view + 1, &out)
            return
        }
        acceptPrePrepare(m, &out)
    }

    /// Logs the pre-prepare of the current view and sends this member's PREPARE.
    mutating func acceptPrePrepare(_ m: PrePrepare, _ out: inout [ConsensusEffect]) {
        if let voted = restoredPrepares[VoteSlot(view: m.view, sequence: m.sequence)], voted != m.proposal.digest {
            counters.equivocation += 1
            return
        }
        log[m.sequence, default: LogEntry()].prePrepare = m
        let vote = Vote(view: m.view, sequence: m.sequence, digest: m.proposal.digest, replica: id)
        persistAndBroadcast(.prepare(vote), &out)
        checkPrepared(m.sequence, &out)
    }

    // MARK: Prepare and commit votes

    /// Votes are admitted for the current view up to `maxViewLead` views ahead (they may arrive
    /// before the NEW-VIEW) and only inside the watermarks (§4.2).
    mutating func admitVote(_ m: Vote) -> Bool {
        guard m.view >= view else { counters.oldView += 1; return false }
        guard m.view <= view + config.maxViewLead else { counters.futureView += 1; return false }
        guard m.sequence > lowWatermark, m.sequence <= highWatermark else { counters.outsideWindow += 1; return false }
        return true
    }

    mutating func count(_ outcome: VoteKeeper.Outcome) -> Bool {
        switch outcome {
        case .added: return true
        case .duplicate: counters.duplicate += 1
        case .equivocation: counters.equivocation += 1
        }
        return false
    }

    mutating func onPrepare(_ m: Vote, _ signed: SignedMessage, _ out: inout [ConsensusEffect]) {
        guard admitVote(m) else { return }
        let slot = VoteSlot(view: m.view, sequence: m.sequence)
        guard count(prepareVotes.add(signed, voter: m.replica, slot: slot, digest: m.digest)) else { return }
        checkPrepared(m.sequence, &out)
    }

    mutating func onCommit(_ m: Vote, _ signed: SignedMessage, _ out: inout [ConsensusEffect]) {
        guard admitVote(m) else { return }
        let slot = VoteSlot(view: m.view, sequence: m.sequence)
        guard count(commitVotes.add(signed, voter: m.replica, slot: slot, digest: m.digest)) else { return }
        checkCommitted(m.sequence, &out)
    }

    /// prepared(m, v, n, i): the pre-prepare plus 2f+1 matching PREPAREs from distinct members.
    /// Then the member keeps the certificate and multicasts COMMIT (§4.2).
    mutating func checkPrepared(_ sequence: UInt64, _ out: inout [ConsensusEffect]) {
        guard !isChangingView, var entry = log[sequence], let prePrepare = entry.prePrepare,
              prePrepare.view == view, entry.committedInView != view else { return }
        let slot = VoteSlot(view: view, sequence: sequence)
        guard let prepares = prepareVotes.certificate(slot, digest: prePrepare.proposal.digest, quorum: config.quorum)
        else { return }
        let certificate = PreparedCertificate(view: view, sequence: sequence, proposal: prePrepare.proposal,
                                              prepares: prepares)
        entry.certificate = certificate
        entry.committedInView = view
        log[sequence] = entry
        out.append(.persist(.prepared(certificate)))
        let vote = Vote(view: view, sequence: sequence, digest: prePrepare.proposal.digest, replica: id)
        persistAndBroadcast(.commit(vote), &out)
        checkCommitted(sequence, &out)
    }

    /// committed-local(m, v, n, i): prepared plus 2f+1 matching COMMITs from distinct members (§4.2).
    mutating func checkCommitted(_ sequence: UInt64, _ out: inout [ConsensusEffect]) {
        guard let entry = log[sequence], entry.committed == nil, let prePrepare = entry.prePrepare,
              entry.committedInView == prePrepare.view else { return }
        let slot = VoteSlot(view: prePrepare.view, sequence: sequence)
        guard let commits = commitVotes.certificate(slot, digest: prePrepare.proposal.digest, quorum: config.quorum)
        else { return }
        log[sequence]?.committed = CommittedEntry(view: prePrepare.view, sequence: sequence,
                                                  proposal: prePrepare.proposal, commits: commits)
        executeReady(&out)
    }

    // MARK: Execution

    /// Executes committed entries strictly in sequence order (§4.2: "executes the operation after
    /// all requests with lower sequence numbers have been executed").
    mutating func executeReady(_ out: inout [ConsensusEffect]) {
        var progressed = false
        while let entry = log[lastExecuted + 1]?.committed {
            execute(entry, &out)
            progressed = true
        }
        if progressed { afterProgress(&out) }
    }

    /// Emits the commit, advances the executed prefix, and takes a checkpoint every K (§4.3).
    mutating func execute(_ entry: CommittedEntry, _ out: inout [ConsensusEffect]) {
        precondition(entry.sequence == lastExecuted + 1, "execution must be in sequence order")
        out.append(.commit(entry))
        lastExecuted = entry.sequence
        let digest = entry.proposal.digest
        if !entry.proposal.isNull {
            stateDigest = digest
            pending.removeAll { $0.digest == digest }
            ownProposals.removeValue(forKey: digest)
            executedDigests.append(digest)
            executedSet.insert(digest)
            if executedDigests.count > config.executedHistory {
                executedSet.remove(executedDigests.removeFirst())
            }
        }
        if lastExecuted % config.checkpointInterval == 0 {
            let checkpoint = Checkpoint(sequence: lastExecuted, digest: stateDigest, replica: id)
            ownCheckpoints[lastExecuted] = checkpoint
            persistAndBroadcast(.checkpoint(checkpoint), &out)
        }
    }

    /// After execution progress: update the progress timer (§4.4) and let the primary fill the window.
    /// The primary restarts its own timer on every execution: it only guards against a primary
    /// that is stale (e.g. restarted into a view the others left) and so makes no progress at all;
    /// a busy primary with a deep queue must not suspect itself (its oldest request can wait longer
    /// than the timeout behind the window while commits flow, and with requests sent to it alone
    /// no backup would follow its view change).
    mutating func afterProgress(_ out: inout [ConsensusEffect]) {
        if fetchTarget <= lastExecuted { cancel(.fetch, &out) }
        guard !isChangingView else { return }
        updateProgressTimer(&out, restart: isPrimary)
        proposeQueued(&out)
    }

    /// The progress timer watches the oldest pending request (§4.4): it starts when a request
    /// arrives and none is watched, stops when nothing is pending, and restarts only when the
    /// watched request has executed and others still wait. Executing other requests does not
    /// restart it, so a primary cannot censor one request by ordering the rest.
    mutating func updateProgressTimer(_ out: inout [ConsensusEffect], restart: Bool = false) {
        guard !isChangingView, let oldest = pending.first else {
            timedRequest = nil
            cancel(.progress, &out)
            return
        }
        guard restart || timers[.progress] == nil || timedRequest != oldest.digest else { return }
        timedRequest = oldest.digest
        schedule(.progress, after: config.requestTimeout, &out)
    }
}
