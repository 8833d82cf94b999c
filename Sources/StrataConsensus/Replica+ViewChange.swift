/// View changes (Castro & Liskov §4.4) and their liveness rules (§4.5.2).
extension Replica {
    /// Timeout while waiting for NEW-VIEW: doubles per view tried since the last installed one
    /// (§4.5.2), capped at `requestTimeout << maxTimeoutDoublings`.
    var viewChangeTimeout: UInt64 {
        let attempts = min(view - lastNormalView, config.maxTimeoutDoublings + 1)
        return config.requestTimeout << (attempts - 1)
    }

    /// Moves to view `target`: stops accepting normal-case messages, multicasts VIEW-CHANGE with
    /// the stable checkpoint proof and every prepared certificate above it, and waits (§4.4).
    mutating func startViewChange(to target: UInt64, _ out: inout [ConsensusEffect]) {
        guard target > view else { return }
        if !isChangingView { lastNormalView = view }
        view = target
        isChangingView = true
        for sequence in log.keys {
            log[sequence]?.prePrepare = nil
        }
        heldAhead.removeAll()
        prepareVotes.discard(viewsBelow: target)
        commitVotes.discard(viewsBelow: target)
        restoredPrepares = restoredPrepares.filter { $0.key.view >= target }
        cancel(.progress, &out)
        timedRequest = nil
        let prepared = log.keys.sorted().compactMap { log[$0]?.certificate }.filter { $0.sequence > lowWatermark }
        let change = ViewChange(newView: target, stableSequence: lowWatermark, checkpointProof: stableProof,
                                prepared: prepared, replica: id)
        ownViewChange = change
        persistAndBroadcast(.viewChange(change), &out)
        // Checkpoints are never retransmitted otherwise; a lost one could leave the window full.
        for sequence in ownCheckpoints.keys.sorted() where sequence > lowWatermark {
            if let checkpoint = ownCheckpoints[sequence] { out.append(.broadcast(.checkpoint(checkpoint))) }
        }
        schedule(.viewChange, after: viewChangeTimeout, &out)
    }

    /// A VIEW-CHANGE for a view above the current one (or the one being installed) is checked and
    /// kept as its sender's latest (one per member, any distance ahead: a member that fell many
    /// views behind must still see where the others are). f+1 members asking for higher views pull
    /// this member along (§4.5.2); the new primary with 2f+1 for its view sends NEW-VIEW (§4.4).
    mutating func onViewChange(_ m: ViewChange, _ signed: SignedMessage, _ out: inout [ConsensusEffect]) {
        guard m.newView > view || (m.newView == view && isChangingView) else { counters.oldView += 1; return }
        if let held = viewChanges[m.replica], held.change.newView >= m.newView { counters.duplicate += 1; return }
        guard isValidViewChange(m) else { counters.badCertificate += 1; return }
        viewChanges[m.replica] = HeldViewChange(change: m, envelope: signed)
        joinHigherView(&out)
        maybeSendNewView(&out)
    }

    /// §4.5.2: with VIEW-CHANGEs from f+1 other members for views above this member's, at least one
    /// comes from a correct member, so this member moves to the (f+1)-th highest of those views —
    /// as far as a correct member has gone, and never further.
    mutating func joinHigherView(_ out: inout [ConsensusEffect]) {
        let ahead = viewChanges.values.filter { $0.change.replica != id && $0.change.newView > view }
            .map(\.change.newView).sorted(by: >)
        guard ahead.count >= config.weakQuorum else { return }
        startViewChange(to: ahead[config.weakQuorum - 1], &out)
    }

    /// How many members (this one included) have asked for this view or a later one.
    var membersAtOrBeyondView: Int { viewChanges.values.filter { $0.change.newView >= view }.count }

    /// The new primary, once it holds 2f+1 VIEW-CHANGEs for its view, multicasts NEW-VIEW with
    /// the pre-prepares it derives from them (§4.4).
    mutating func maybeSendNewView(_ out: inout [ConsensusEffect]) {
        guard isChangingView, isPrimary, sentNewView != view else { return }
        let forView = viewChanges.filter { $0.value.change.newView == view }.sorted { $0.key < $1.key }
        guard forView.count >= config.quorum else { return }
        let chosen = forView.prefix(config.quorum).map(\.value)
        let plan = NewViewPlan(view: view, changes: chosen.map(\.change), primary: id)
        sentNewView = view
        persistAndBroadcast(.newView(NewView(view: view, viewChanges: chosen.map(\.envelope),
                                             prePrepares: plan.prePrepares, replica: id)), &out)
    }

    /// NEW-VIEW from the primary of its view: every VIEW-CHANGE inside is re-checked and the
    /// pre-prepares are recomputed; if they match, the view is installed (§4.4). A new primary that
    /// sends a wrong NEW-VIEW is itself replaced.
    mutating func onNewView(_ m: NewView, _ out: inout [ConsensusEffect]) {
        guard m.replica == config.primary(of: m.view) else { counters.notPrimary += 1; return }
        // No view-lead bound here: a NEW-VIEW is self-certifying and nothing of it is stored unless it
        // is installed, so a member that fell many views behind can rejoin with one.
        guard m.view > view || (m.view == view && isChangingView) else { counters.oldView += 1; return }
        var changes: [ViewChange] = []
        var senders = Set<ReplicaID>()
        for envelope in m.viewChanges {
            guard case .viewChange(let change) = envelope.message, change.newView == m.view,
                  config.isMember(change.replica), senders.insert(change.replica).inserted,
                  authenticator.isAuthentic(envelope), isValidViewChange(change)
            else { return rejectNewView(m, &out) }
            changes.append(change)
        }
        guard changes.count >= config.quorum else { return rejectNewView(m, &out) }
        let plan = NewViewPlan(view: m.view, changes: changes, primary: m.replica)
        guard plan.prePrepares == m.prePrepares else { return rejectNewView(m, &out) }
        install(m.view, plan: plan, &out)
    }

    private mutating func rejectNewView(_ m: NewView, _ out: inout [ConsensusEffect]) {
        counters.badCertificate += 1
        startViewChange(to: m.view + 1, &out)
    }

    /// Enters the new view: adopts the newest stable checkpoint among the view-changes, logs the
    /// pre-prepares of O and sends PREPARE for each (§4.4), then resumes the normal case.
    mutating func install(_ newView: UInt64, plan: NewViewPlan, _ out: inout [ConsensusEffect]) {
        view = newView
        isChangingView = false
        lastNormalView = newView
        ownNewView = nil
        cancel(.viewChange, &out)
        viewChanges = viewChanges.filter { $0.value.change.newView > newView }
        prepareVotes.discard(viewsBelow: newView)
        commitVotes.discard(viewsBelow: newView)
        for sequence in log.keys { log[sequence]?.prePrepare = nil }
        heldAhead.removeAll()
        if plan.stableSequence > lowWatermark {
            makeStable(plan.stableSequence, proof: plan.stableProof, &out)
        }
        for prePrepare in plan.prePrepares where prePrepare.sequence > lowWatermark {
            acceptPrePrepare(prePrepare, &out)
        }
        nextSequence = max(plan.maxSequence, lowWatermark, lastExecuted) + 1
        updateProgressTimer(&out, restart: true)
        proposeQueued(&out)
    }

    /// A VIEW-CHANGE holds if its checkpoint proof holds and each prepared certificate is for an
    /// earlier view, inside (stable, stable + L], at most one per sequence, with a payload matching
    /// its digest and 2f+1 authentic PREPAREs from distinct members for exactly that slot.
    func isValidViewChange(_ m: ViewChange) -> Bool {
        guard isValidCheckpointProof(m.checkpointProof, sequence: m.stableSequence) else { return false }
        var sequences = Set<UInt64>()
        for certificate in m.prepared {
            guard certificate.view < m.newView, certificate.sequence > m.stableSequence,
                  certificate.sequence <= m.stableSequence + config.logWindow,
                  sequences.insert(certificate.sequence).inserted,
                  certificate.proposal.isNull ? certificate.proposal.payload.isEmpty
                      : validator.digestMatches(certificate.proposal)
            else { return false }
            var signers = Set<ReplicaID>()
            for envelope in certificate.prepares {
                guard case .prepare(let vote) = envelope.message, vote.view == certificate.view,
                      vote.sequence == certificate.sequence, vote.digest == certificate.proposal.digest,
                      config.isMember(vote.replica), authenticator.isAuthentic(envelope) else { return false }
                signers.insert(vote.replica)
            }
            guard signers.count >= config.quorum else { return false }
        }
        return true
    }

    // MARK: Timeouts

    /// Progress timeout (§4.4): a pending request did not execute in time, so the primary is
    /// suspected; the member also asks a peer for entries in case it is the one that fell behind.
    /// View-change timeout (§4.5.2): the next view is tried, with a doubled timeout, only if 2f+1
    /// members (this one included) have asked for this view or a later one — the paper starts this
    /// timer only once 2f+1 VIEW-CHANGEs are in. Otherwise the member repeats its VIEW-CHANGE and
    /// waits: a member alone cannot run ahead through views the others never reach.
    mutating func timeout(_ timer: TimerID, _ out: inout [ConsensusEffect]) {
        guard timers[timer.kind] == timer.epoch else { return }
        timers[timer.kind] = nil
        switch timer.kind {
        case .progress:
            guard !isChangingView, !pending.isEmpty else { return }
            sendFetch(&out)
            startViewChange(to: view + 1, &out)
        case .viewChange:
            guard isChangingView else { return }
            sendFetch(&out)
            if membersAtOrBeyondView >= config.quorum {
                startViewChange(to: view + 1, &out)
            } else {
                if let change = ownViewChange { out.append(.broadcast(.viewChange(change))) }
                schedule(.viewChange, after: viewChangeTimeout, &out)
            }
        case .fetch:
            if fetchTarget > lastExecuted { sendFetch(&out) }
        }
    }
}

/// The new primary's decision rule for NEW-VIEW (§4.4), shared by the primary that builds it and
/// every member that checks it: min-s is the highest stable checkpoint among the 2f+1
/// VIEW-CHANGEs, max-s the highest prepared sequence; each sequence in (min-s, max-s] gets the
/// proposal of its prepared certificate with the highest view, or the null request.
struct NewViewPlan: Sendable {
    let stableSequence: UInt64
    let stableProof: [SignedMessage]
    let maxSequence: UInt64
    let prePrepares: [PrePrepare]

    init(view: UInt64, changes: [ViewChange], primary: ReplicaID) {
        let stable = changes.max { ($0.stableSequence, $1.replica) < ($1.stableSequence, $0.replica) }
        stableSequence = stable?.stableSequence ?? 0
        stableProof = stable?.checkpointProof ?? []
        var best: [UInt64: PreparedCertificate] = [:]
        for change in changes {
            for certificate in change.prepared where certificate.sequence > stableSequence {
                if let current = best[certificate.sequence] {
                    let higher = certificate.view > current.view
                        || (certificate.view == current.view && certificate.proposal.digest < current.proposal.digest)
                    if higher { best[certificate.sequence] = certificate }
                } else {
                    best[certificate.sequence] = certificate
                }
            }
        }
        let top = best.keys.max() ?? stableSequence
        maxSequence = max(top, stableSequence)
        var prePrepares: [PrePrepare] = []
        if maxSequence > stableSequence {
            for sequence in (stableSequence + 1)...maxSequence {
                let proposal = best[sequence]?.proposal ?? .null
                prePrepares.append(PrePrepare(view: view, sequence: sequence, proposal: proposal, replica: primary))
            }
        }
        self.prePrepares = prePrepares
    }
}
