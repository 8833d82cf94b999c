/// State transfer for a member that fell behind (Castro & Liskov §4.3 / TOCS §6.2, simplified to
/// entries): it asks one peer at a time for committed entries; each entry carries its commit
/// certificate (2f+1 signed COMMITs), so a single reply from any peer is verifiable on its own.
extension Replica {
    /// Starts (or extends) fetching up to `target`.
    mutating func beginFetch(upTo target: UInt64, _ out: inout [ConsensusEffect]) {
        guard target > lastExecuted else { return }
        let wasFetching = fetchTarget > lastExecuted
        fetchTarget = max(fetchTarget, target)
        if !wasFetching { sendFetch(&out) }
    }

    /// Asks the next peer in rotation and arms the fetch timer to try another if no reply comes.
    mutating func sendFetch(_ out: inout [ConsensusEffect]) {
        guard config.members > 1 else { return }
        fetchRotation += 1
        let offset = 1 + (fetchRotation - 1) % (config.members - 1)
        let peer = ReplicaID((id.rawValue + offset) % config.members)
        out.append(.send(.fetch(FetchRequest(fromSequence: lastExecuted + 1, replica: id)), to: peer))
        schedule(.fetch, after: config.requestTimeout, &out)
    }

    /// A peer asks for entries: the driver answers from its ledger (the core keeps only the window).
    mutating func onFetch(_ m: FetchRequest, _ out: inout [ConsensusEffect]) {
        guard m.replica != id else { counters.malformed += 1; return }
        guard m.fromSequence >= 1, m.fromSequence <= lastExecuted else { return }
        out.append(.serveEntries(from: m.fromSequence, limit: config.maxEntriesPerFetch, to: m.replica))
    }

    /// Executes the consecutive entries that extend this member's prefix and carry a valid commit
    /// certificate; stops at the first gap or bad certificate. Asks the same peer again while it
    /// is still behind and the reply helped.
    mutating func onEntries(_ m: EntriesReply, _ out: inout [ConsensusEffect]) {
        let before = lastExecuted
        for entry in m.entries.sorted(by: { $0.sequence < $1.sequence }) {
            if entry.sequence <= lastExecuted { continue }
            guard entry.sequence == lastExecuted + 1 else { break }
            guard isValidCommitCertificate(entry) else { counters.badCertificate += 1; break }
            // Keep the log entry: its prepared certificate (if this member prepared it) must still go
            // into VIEW-CHANGEs until a stable checkpoint covers it (§4.4 safety argument).
            if log[entry.sequence] != nil { log[entry.sequence]?.committed = entry }
            execute(entry, &out)
        }
        guard lastExecuted > before else {
            if !m.entries.isEmpty { counters.duplicate += 1 }
            return
        }
        // Entries below h were truncated from the log; anything above may now be executable.
        executeReady(&out)
        afterProgress(&out)
        if fetchTarget > lastExecuted || m.entries.count >= config.maxEntriesPerFetch, m.replica != id {
            out.append(.send(.fetch(FetchRequest(fromSequence: lastExecuted + 1, replica: id)), to: m.replica))
            schedule(.fetch, after: config.requestTimeout, &out)
        }
    }

    /// A commit certificate: the payload matches its digest and 2f+1 distinct members signed
    /// COMMIT for exactly (view, sequence, digest).
    func isValidCommitCertificate(_ entry: CommittedEntry) -> Bool {
        guard entry.proposal.isNull ? entry.proposal.payload.isEmpty : validator.digestMatches(entry.proposal)
        else { return false }
        var signers = Set<ReplicaID>()
        for envelope in entry.commits {
            guard case .commit(let vote) = envelope.message, vote.view == entry.view,
                  vote.sequence == entry.sequence, vote.digest == entry.proposal.digest,
                  config.isMember(vote.replica), authenticator.isAuthentic(envelope) else { return false }
            signers.insert(vote.replica)
        }
        return signers.count >= config.quorum
    }

    /// The driver restarted this member: re-arm the timers the lost process had, and ask a peer
    /// for anything committed meanwhile.
    mutating func resume(_ out: inout [ConsensusEffect]) {
        if isChangingView {
            // Own VIEW-CHANGE again: its earlier copies (and their loop-back) may be lost.
            if let change = ownViewChange { out.append(.broadcast(.viewChange(change))) }
            // A primary that restarted between sending NEW-VIEW and installing it sends it again;
            // its own copy installs the view here too.
            if let newView = ownNewView { out.append(.broadcast(.newView(newView))) }
            schedule(.viewChange, after: viewChangeTimeout, &out)
        } else {
            updateProgressTimer(&out, restart: true)
        }
        sendFetch(&out)
    }
}
