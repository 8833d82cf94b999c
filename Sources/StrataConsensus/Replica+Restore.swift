/// What the ledger tells a restarting member about what it already executed.
public struct LedgerHead: Hashable, Sendable {
    /// The highest sequence number in the ledger.
    public var sequence: UInt64
    /// The digest of the last non-null entry (the checkpoint digest), `.null` for none.
    public var stateDigest: Digest
    /// Digests of the most recent non-null entries, oldest first (to drop replayed requests).
    public var recentDigests: [Digest]

    public init(sequence: UInt64, stateDigest: Digest, recentDigests: [Digest]) {
        self.sequence = sequence
        self.stateDigest = stateDigest
        self.recentDigests = recentDigests
    }

    public static let genesis = LedgerHead(sequence: 0, stateDigest: .null, recentDigests: [])
}

/// Restart from stable storage (Castro & Liskov §4.3, §4.4 keep the log and the view on stable
/// storage; TOCS §5 recovery). The member comes back in the highest view it took part in, with
/// its prepared certificates and stable checkpoint, and refuses to prepare anything other than what
/// it already prepared in that view. It has no timers until the driver sends `.resume`.
extension Replica {
    public init(id: ReplicaID, config: ConsensusConfig, authenticator: any MessageAuthenticator,
                validator: any ProposalValidator, restoring records: [DurableRecord],
                ledger: LedgerHead) throws(ConsensusError) {
        try self.init(id: id, config: config, authenticator: authenticator, validator: validator)
        lastExecuted = ledger.sequence
        stateDigest = ledger.stateDigest
        executedDigests = Array(ledger.recentDigests.suffix(config.executedHistory))
        executedSet = Set(executedDigests)
        var highestView: UInt64 = 0
        var changing = false
        var highestInstalled: UInt64 = 0
        func note(_ view: UInt64, installed: Bool) {
            if installed { highestInstalled = max(highestInstalled, view) }
            if view > highestView {
                highestView = view
                changing = !installed
            } else if view == highestView, installed {
                changing = false
            }
        }
        var ownPrePrepares: [UInt64: UInt64] = [:]
        for record in records {
            switch record {
            case .sent(.prePrepare(let m)):
                note(m.view, installed: true)
                ownPrePrepares[m.view] = max(ownPrePrepares[m.view] ?? 0, m.sequence)
            case .sent(.prepare(let m)):
                note(m.view, installed: true)
                restoredPrepares[VoteSlot(view: m.view, sequence: m.sequence)] = m.digest
            case .sent(.commit(let m)): note(m.view, installed: true)
            case .sent(.checkpoint(let m)): ownCheckpoints[m.sequence] = m
            case .sent(.viewChange(let m)):
                note(m.newView, installed: false)
                if m.newView >= (ownViewChange?.newView ?? 0) { ownViewChange = m }
            case .sent(.newView(let m)):
                note(m.view, installed: false)
                ownPrePrepares[m.view] = max(ownPrePrepares[m.view] ?? 0, m.prePrepares.last?.sequence ?? 0)
                if m.view >= (ownNewView?.view ?? 0) { ownNewView = m }
            case .sent: break
            case .prepared(let certificate):
                if let held = log[certificate.sequence]?.certificate, held.view >= certificate.view { break }
                log[certificate.sequence, default: LogEntry()].certificate = certificate
            case .stableCheckpoint(let sequence, let proof):
                if sequence > lowWatermark {
                    lowWatermark = sequence
                    stableProof = proof
                }
            }
        }
        view = highestView
        isChangingView = changing
        lastNormalView = changing ? highestInstalled : highestView
        log = log.filter { $0.key > lowWatermark }
        ownCheckpoints = ownCheckpoints.filter { $0.key > lowWatermark }
        restoredPrepares = restoredPrepares.filter { $0.key.view == view && $0.key.sequence > lowWatermark }
        // The primary continues after every sequence number it used in this view (its pre-prepares,
        // its NEW-VIEW's O, its prepares), so it never assigns one twice.
        let highestPrepared = restoredPrepares.keys.map(\.sequence).max() ?? 0
        nextSequence = max((ownPrePrepares[view] ?? 0) + 1, highestPrepared + 1, lowWatermark + 1, lastExecuted + 1)
        if lastExecuted < lowWatermark { fetchTarget = lowWatermark }
        if ownViewChange?.newView != view { ownViewChange = nil }
        if ownNewView?.view != view || !isChangingView { ownNewView = nil } else { sentNewView = view }
    }
}
