/// One member's PBFT state (Castro & Liskov, OSDI '99 / TOCS 2002) as a pure state machine.
///
/// `apply(_:)` takes one input (a signed message, a request, a timeout, a resume) and returns the
/// effects the driver must perform in order (persist, send, broadcast, timers, commit). No I/O, no
/// clock, no randomness: given the same inputs, two replicas produce the same effects. One owner
/// (an actor or one loop in the driver) alone calls `apply`.
///
/// Authentication and application validity are injected (`MessageAuthenticator`,
/// `ProposalValidator`) and must themselves be deterministic.
public struct Replica: Sendable {
    public let id: ReplicaID
    public let config: ConsensusConfig
    let authenticator: any MessageAuthenticator
    let validator: any ProposalValidator

    /// Current view; while `isChangingView`, the view this member is trying to install.
    public internal(set) var view: UInt64 = 0
    public internal(set) var isChangingView = false
    /// h, the low watermark: the last stable checkpoint (§4.3).
    public internal(set) var lowWatermark: UInt64 = 0
    /// The highest sequence number executed (committed to the ledger) by this member.
    public internal(set) var lastExecuted: UInt64 = 0
    /// Inputs dropped, by reason.
    public internal(set) var counters = DropCounters()

    /// Digest of the last non-null executed entry: the checkpoint digest.
    var stateDigest = Digest.null
    var stableProof: [SignedMessage] = []
    /// Own checkpoint messages in the window, resent when a view change starts.
    var ownCheckpoints: [UInt64: Checkpoint] = [:]
    /// Next sequence number the primary assigns.
    var nextSequence: UInt64 = 1
    var log: [UInt64: LogEntry] = [:]
    var prepareVotes = VoteKeeper()
    var commitVotes = VoteKeeper()
    var checkpointVotes = VoteKeeper()
    /// Latest signed checkpoint above h + L heard from each member: evidence of falling behind.
    var farCheckpoints: [ReplicaID: SignedMessage] = [:]
    /// The latest valid VIEW-CHANGE from each member (so at most n are held, whatever the views).
    var viewChanges: [ReplicaID: HeldViewChange] = [:]
    var sentNewView: UInt64?
    /// This member's VIEW-CHANGE for the view it is installing, repeated when that view is slow.
    var ownViewChange: ViewChange?
    /// A NEW-VIEW this primary sent but had not installed when it restarted; repeated on resume.
    var ownNewView: NewView?
    var lastNormalView: UInt64 = 0
    /// This member's PREPARE digests per slot restored from its write-ahead log: after a restart it
    /// must not prepare a different proposal for a slot it already voted on.
    var restoredPrepares: [VoteSlot: Digest] = [:]
    /// Requests waiting to execute, in arrival order.
    public internal(set) var pending: [Proposal] = []
    /// Authentic normal-case messages of this view for sequences just above the window, by
    /// sequence (see `holdIfJustAhead`).
    var heldAhead: [UInt64: [SignedMessage]] = [:]
    var executedDigests: [Digest] = []
    var executedSet: Set<Digest> = []
    /// The pending request the progress timer is watching.
    var timedRequest: Digest?
    /// Requests this member proposed as primary, with the view it proposed them in, until they
    /// execute: its own PRE-PREPARE may still be on its way back through the driver, and the
    /// request must not get a second sequence number meanwhile.
    var ownProposals: [Digest: UInt64] = [:]
    /// Live timer epoch per kind.
    var timers: [TimerKind: UInt64] = [:]
    var timerEpoch: UInt64 = 0
    var fetchRotation = 0
    /// Highest sequence number this member knows the group has executed beyond it.
    var fetchTarget: UInt64 = 0

    public init(id: ReplicaID, config: ConsensusConfig, authenticator: any MessageAuthenticator,
                validator: any ProposalValidator) throws(ConsensusError) {
        try config.validate()
        guard config.isMember(id) else {
            throw ConsensusError(.notMember, "replica \(id) is not in a group of \(config.members)")
        }
        self.id = id
        self.config = config
        self.authenticator = authenticator
        self.validator = validator
    }

    public var primary: ReplicaID { config.primary(of: view) }
    public var isPrimary: Bool { primary == id }
    /// H, the high watermark h + L.
    public var highWatermark: UInt64 { lowWatermark + config.logWindow }

    /// Handles one input and returns the effects to perform, in order.
    public mutating func apply(_ input: ConsensusInput) -> [ConsensusEffect] {
        var out: [ConsensusEffect] = []
        switch input {
        case .receive(let signed): receive(signed, &out)
        case .request(let proposal): request(proposal, &out)
        case .timeout(let timer): timeout(timer, &out)
        case .resume: resume(&out)
        }
        return out
    }

    // MARK: Admission: membership, size, signature — before anything reads the message.

    mutating func receive(_ signed: SignedMessage, _ out: inout [ConsensusEffect]) {
        let message = signed.message
        guard config.isMember(message.sender) else { counters.nonMember += 1; return }
        guard withinBounds(signed) else { counters.oversize += 1; return }
        guard !isLate(message) else { counters.late += 1; return }
        guard authenticator.isAuthentic(signed) else { counters.badSignature += 1; return }
        guard !holdIfJustAhead(signed) else { return }
        switch message {
        case .prePrepare(let m): onPrePrepare(m, &out)
        case .prepare(let m): onPrepare(m, signed, &out)
        case .commit(let m): onCommit(m, signed, &out)
        case .checkpoint(let m): onCheckpoint(m, signed, &out)
        case .viewChange(let m): onViewChange(m, signed, &out)
        case .newView(let m): onNewView(m, &out)
        case .fetch(let m): onFetch(m, &out)
        case .entries(let m): onEntries(m, &out)
        }
    }

    /// A vote that can no longer change anything: one for a sequence already executed, a PREPARE
    /// for a slot this member already prepared in that view (its certificate is formed), a COMMIT
    /// for a sequence already committed. It is ignored before its signature is checked: signature
    /// checks are most of a member's work, and in the normal case n − quorum votes per phase arrive
    /// after the quorum. (A certificate formed from late votes is never needed: quorum
    /// intersection already puts every committed request in some correct member's VIEW-CHANGE.)
    func isLate(_ message: ConsensusMessage) -> Bool {
        switch message {
        case .prepare(let m): return m.sequence <= lastExecuted || (log[m.sequence]?.committedInView == m.view && m.view == view)
        case .commit(let m): return m.sequence <= lastExecuted || log[m.sequence]?.committed != nil
        default: return false
        }
    }

    /// Members' windows move at slightly different moments: a backup can receive the primary's
    /// PRE-PREPARE (or another member's vote) for h + L + 1 just before the CHECKPOINTs that move
    /// its own window there. Dropping it would stall that slot until a view change or a state
    /// transfer, so a normal-case message of the current view at most one window above h + L is
    /// held and received again when the window moves: per sequence the first PRE-PREPARE of the
    /// view's primary and at most 2n votes, so at most L proposals are ever held.
    mutating func holdIfJustAhead(_ signed: SignedMessage) -> Bool {
        let (sequence, messageView): (UInt64, UInt64)
        switch signed.message {
        case .prePrepare(let m): (sequence, messageView) = (m.sequence, m.view)
        case .prepare(let m), .commit(let m): (sequence, messageView) = (m.sequence, m.view)
        default: return false
        }
        guard sequence > highWatermark, sequence <= highWatermark + config.logWindow, messageView == view, !isChangingView else {
            return false
        }
        var held = heldAhead[sequence, default: []]
        let isProposal = if case .prePrepare = signed.message { true } else { false }
        let proposals = held.count { if case .prePrepare = $0.message { true } else { false } }
        if held.contains(signed) {
            counters.duplicate += 1
        } else if isProposal && (proposals > 0 || signed.message.sender != config.primary(of: view)) {
            counters.outsideWindow += 1
        } else if !isProposal && held.count - proposals >= 2 * config.members {
            counters.outsideWindow += 1
        } else {
            held.append(signed)
            heldAhead[sequence] = held
        }
        return true
    }

    /// Receives again the held messages the window now covers (after it moved).
    mutating func releaseHeld(_ out: inout [ConsensusEffect]) {
        for sequence in heldAhead.keys.sorted() where sequence <= highWatermark {
            for signed in heldAhead.removeValue(forKey: sequence) ?? [] { receive(signed, &out) }
        }
    }

    /// Every length in a message against its bound, so nothing oversize is stored or walked.
    func withinBounds(_ signed: SignedMessage) -> Bool {
        guard signed.signature.count <= config.maxSignatureBytes else { return false }
        let n = config.members
        let window = Int(config.logWindow)
        switch signed.message {
        case .prePrepare(let m): return fits(m.proposal)
        case .prepare(let m), .commit(let m): return m.digest.bytes.count <= config.maxDigestBytes
        case .checkpoint(let m): return m.digest.bytes.count <= config.maxDigestBytes
        case .fetch: return true
        case .viewChange(let m): return fits(m, members: n, window: window)
        case .newView(let m):
            return m.viewChanges.count <= n && m.prePrepares.count <= window
                && m.prePrepares.allSatisfy { fits($0.proposal) }
                && m.viewChanges.allSatisfy { envelope in
                    guard envelope.signature.count <= config.maxSignatureBytes,
                          case .viewChange(let change) = envelope.message else { return true }
                    return fits(change, members: n, window: window)
                }
        case .entries(let m):
            return m.entries.count <= config.maxEntriesPerFetch
                && m.entries.allSatisfy { fits($0.proposal) && $0.commits.count <= n }
        }
    }

    private func fits(_ proposal: Proposal) -> Bool {
        proposal.payload.count <= config.maxPayloadBytes && proposal.digest.bytes.count <= config.maxDigestBytes
    }

    private func fits(_ change: ViewChange, members n: Int, window: Int) -> Bool {
        change.checkpointProof.count <= n && change.prepared.count <= window
            && change.prepared.allSatisfy { fits($0.proposal) && $0.prepares.count <= n }
    }

    // MARK: Shared effects

    /// Persist, then broadcast: a member's vote is durable before anyone can count it.
    mutating func persistAndBroadcast(_ message: ConsensusMessage, _ out: inout [ConsensusEffect]) {
        out.append(.persist(.sent(message)))
        out.append(.broadcast(message))
    }

    mutating func schedule(_ kind: TimerKind, after ticks: UInt64, _ out: inout [ConsensusEffect]) {
        if let live = timers[kind] { out.append(.cancelTimer(TimerID(kind: kind, epoch: live))) }
        timerEpoch += 1
        timers[kind] = timerEpoch
        out.append(.scheduleTimer(TimerID(kind: kind, epoch: timerEpoch), afterTicks: ticks))
    }

    mutating func cancel(_ kind: TimerKind, _ out: inout [ConsensusEffect]) {
        guard let live = timers.removeValue(forKey: kind) else { return }
        out.append(.cancelTimer(TimerID(kind: kind, epoch: live)))
    }
}

/// A checked VIEW-CHANGE with the envelope it came in (a NEW-VIEW carries the envelopes).
struct HeldViewChange: Sendable {
    let change: ViewChange
    let envelope: SignedMessage
}

/// What a member knows about one sequence number in (h, h + L].
struct LogEntry: Sendable {
    /// The pre-prepare accepted in the current view (cleared when the view changes).
    var prePrepare: PrePrepare?
    /// The view in which this member sent its COMMIT (it was prepared in that view).
    var committedInView: UInt64?
    /// The prepared certificate of the highest view (kept across views, sent in VIEW-CHANGE).
    var certificate: PreparedCertificate?
    /// Set once committed-local: final in every later view.
    var committed: CommittedEntry?
}
