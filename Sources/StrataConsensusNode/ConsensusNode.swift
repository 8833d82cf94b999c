import Foundation
public import Logging
public import ServiceLifecycle
import StrataConsensus
public import StrataCrypto
public import StrataProtocol
import StrataService
public import StrataTransport
import Synchronization

/// One live member of a consensus group: the pure PBFT core (`Replica`) driven over real sockets.
/// It binds a PULL socket for consensus messages and pushes to every peer directly (no bus in the
/// consensus path), signs every message it sends with its Ed25519 key, verifies every one it
/// receives, persists each durable record in SQLite before sending anything after it, executes
/// commits into its ledger, serves state transfer from it, and answers `consensus.submit`,
/// `consensus.status` and `diag.echo` on its request endpoint. One task alone owns the core.
public final class ConsensusNode: Service {
    public struct Settings: Sendable {
        /// Wall time of one core tick (timers are in ticks).
        public var tick: Duration = .milliseconds(10)
        /// Ticks a pending request may wait before the primary is suspected (PBFT §4.4).
        public var requestTimeoutTicks: UInt64 = 100
        public init() {}
    }

    public let index: Int
    public let roster: Roster
    private let key: SigningKey
    private let store: NodeStore
    private let settings: Settings
    private let logger: Logger
    private let validator = BatchValidator()
    private let authenticator: Ed25519Authenticator
    private let control: MemberControl
    private let waiters = CommitWaiters()
    private let snapshot: Mutex<ConsensusStatusOK>
    public let droppedFrames = Counter()
    /// Pre-prepares whose batch was checked on the pool before the core saw them (`shouldCheckAside`).
    public let checkedAside = Counter()

    public init(roster: Roster, index: Int, key: SigningKey, store: NodeStore, settings: Settings = Settings(), logger: Logger) throws {
        guard roster.members.indices.contains(index) else {
            throw ConsensusNodeError("index \(index) is not a member of a group of \(roster.members.count)")
        }
        guard roster.members[index].publicKey == key.publicKey.hex else {
            throw ConsensusNodeError("this key (\(key.publicKey.shortID)) is not member \(index) of the roster (\(roster.members[index].publicKey.prefix(8)))")
        }
        self.roster = roster
        self.index = index
        self.key = key
        self.store = store
        self.settings = settings
        self.logger = logger
        authenticator = try Ed25519Authenticator(roster: roster)
        control = try MemberControl()
        snapshot = Mutex(ConsensusStatusOK(replica: Int64(index), members: Int64(roster.members.count), view: 0, primary: 0,
                                           executed: 0, changingView: false, stateDigest: ""))
    }

    /// The member's status; `dropped` adds the frames the receiver refused before the core saw them.
    public var status: ConsensusStatusOK {
        var status = snapshot.withLock { $0 }
        status.dropped += Int64(droppedFrames.value)
        return status
    }

    public func run() async throws {
        let config = roster.consensusConfig(requestTimeoutTicks: settings.requestTimeoutTicks)
        let head = try store.ledgerHead(history: config.executedHistory)
        let restored = try Replica(id: ReplicaID(index), config: config, authenticator: authenticator, validator: validator,
                                   restoring: try store.records(), ledger: head)
        let endpoint = try RequestEndpoint(bind: roster.members[index].requests, signer: EnvelopeSigner(key: key),
                                           handlers: handlers(), policy: InboundPolicy(maxBytes: 4 << 20), options: .bulk)
        defer { endpoint.close() }
        let control = self.control
        let outcome = await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Result<Replica, any Error>, Never>) in
                    let thread = Thread { [self] in
                        // Named from inside: on Linux a thread can only name itself (ps -L, top -H, perf).
                        Thread.current.name = "consensus-r\(index)"
                        done.resume(returning: Result { try memberLoop(restored, head: head, requests: endpoint.endpoint) })
                    }
                    thread.stackSize = 8 << 20
                    thread.start()
                }
            } onCancel: { control.stop() }
        } onGracefulShutdown: { control.stop() }
        let final = try outcome.get()
        logger.notice("consensus member stopping", metadata: ["executed": "\(final.lastExecuted)", "view": "\(final.view)",
                                                             "dropped": "\(final.counters.total + droppedFrames.value)",
                                                             "counters": "\(final.counters) undecodable=\(droppedFrames.value)",
                                                             "signature-checks": "\(authenticator.verifications.value)",
                                                             "checked-aside": "\(checkedAside.value)"])
    }

    /// The member's one thread: it alone owns the core, the inbox, the peer links and the timers,
    /// and waits on the inbox and the control wake-up together. A received frame is decoded and
    /// applied on this thread (the core checks its signature when it can still matter), so it
    /// crosses one thread hand-off (libzmq's I/O thread to this one) and a sent frame one more;
    /// no task or queue stands between socket and core.
    private func memberLoop(_ restored: Replica, head: LedgerHead, requests: String) throws -> Replica {
        let inbox = try DirectSocket(bind: roster.members[index].consensus, kind: .pull)
        defer { inbox.close() }
        let peers = try roster.members.enumerated().map { offset, member in
            offset == index ? nil : try DirectSocket(connect: member.consensus, kind: .push)
        }
        defer { for peer in peers { peer?.close() } }
        logger.notice("consensus member up", metadata: [
            "chain": "\(roster.chain)", "replica": "\(index)", "members": "\(roster.members.count)",
            "consensus": "\(inbox.endpoint)", "requests": "\(requests)", "executed": "\(head.sequence)", "view": "\(restored.view)",
        ])
        var replica = restored
        var timers = TimerDeadlines()
        var lastDigest = head.stateDigest
        var (shownDigest, shownHex) = (ProposalDigest.null, "")
        var shownView = (restored.view, restored.isChangingView)
        var pending: [ConsensusInput] = [.resume]
        while true {
            let (proposals, checked, stopping) = control.take()
            if stopping { return replica }
            pending += proposals.map { .request($0) } + checked.map { .receive($0) }
            // At most a bounded burst of frames per turn, so timers and requests are not starved.
            for _ in 0..<Self.framesPerTurn {
                guard let frames = inbox.receive() else { break }
                // Signatures are checked by the core, and only for messages that can still matter.
                guard frames.count == 1, let signed = ConsensusSigning.decode(frame: frames[0]) else {
                    droppedFrames.increment()
                    continue
                }
                if shouldCheckAside(signed, replica), control.startChecking() {
                    let (validator, control, authenticator) = (self.validator, self.control, self.authenticator)
                    checkedAside.increment()
                    Task.detached {
                        // The pre-prepare's own signature first: a forged one must not buy a batch check.
                        if case .prePrepare(let m) = signed.message, authenticator.isAuthentic(signed), validator.digestMatches(m.proposal) {
                            _ = validator.isAcceptable(m.proposal, at: m.sequence)
                        }
                        control.checked(signed)
                    }
                    continue
                }
                pending.append(.receive(signed))
            }
            pending += timers.expire(at: .now).map { .timeout($0) }
            for input in pending {
                let refusedBefore = replica.counters.rejectedRequest
                try apply(input, to: &replica, peers: peers, timers: &timers, lastDigest: &lastDigest)
                if replica.counters.rejectedRequest > refusedBefore, case .request(let proposal) = input {
                    refused(proposal, by: replica)
                }
            }
            let applied = !pending.isEmpty
            pending.removeAll(keepingCapacity: true)
            if applied {
                if lastDigest != shownDigest {
                    shownDigest = lastDigest
                    shownHex = lastDigest == .null ? "" : lastDigest.hex
                }
                let (view, primary, executed, changing) = (replica.view, replica.primary, replica.lastExecuted, replica.isChangingView)
                let (dropped, stateHex) = (replica.counters.total, shownHex)
                if (view, changing) != shownView {
                    shownView = (view, changing)
                    logger.notice(changing ? "view change started" : "view installed", metadata: [
                        "view": "\(view)", "primary": "r\(primary.rawValue)", "executed": "\(executed)", "pending": "\(replica.pending.count)",
                    ])
                }
                snapshot.withLock { status in
                    status.view = Int64(view)
                    status.primary = Int64(primary.rawValue)
                    status.executed = Int64(executed)
                    status.changingView = changing
                    status.stateDigest = stateHex
                    status.dropped = Int64(dropped)
                }
            }
            // Frames left over from a full burst make the inbox readable at once (zmq_poll is level-triggered).
            let wait = timers.millisecondsUntilNext(from: .now) ?? -1
            _ = control.poll.wait([inbox], timeoutMillis: wait)
        }
    }

    private static let framesPerTurn = 512

    /// The core refused a client's proposal: its waiters get the reason now instead of waiting
    /// out their time. A copy already pending (or executed: its waiters were answered) is no
    /// refusal for them.
    private func refused(_ proposal: Proposal, by replica: Replica) {
        guard !replica.pending.contains(where: { $0.digest == proposal.digest }) else { return }
        let limit = replica.config.maxPendingRequests
        waiters.refuse(proposal.digest, reason: replica.pending.count >= limit
            ? "this member's request queue is full (\(limit) pending); try again later"
            : "this member refused the proposal (already executed, or its payload is not acceptable)")
    }
    /// About 24 transactions of 64 bytes: below this a batch is checked on the member's thread.
    private static let checkAsideBytes = 4_096

    /// A PRE-PREPARE of the current primary for a sequence the core may still need has its
    /// transactions checked on another thread before the core sees it (the core's own check is
    /// then a memo hit): checking a large batch takes tens of milliseconds, and the votes queued
    /// behind it on this thread would wait that long — long enough, with a window of proposals
    /// arriving at once, to stall commits past the request timeout.
    private func shouldCheckAside(_ signed: SignedMessage, _ replica: Replica) -> Bool {
        // A small batch is checked faster here than a hand-off to another thread and back takes.
        guard case .prePrepare(let m) = signed.message, m.proposal.payload.count >= Self.checkAsideBytes else { return false }
        return m.replica == replica.primary && m.view == replica.view && !replica.isChangingView
            && m.sequence > replica.lastExecuted && m.sequence <= replica.highWatermark + UInt64(replica.config.logWindow)
    }

    /// Applies one input and performs its effects in order. Own messages come straight back before
    /// anything else is handled, as the core expects (a primary's own PRE-PREPARE is in its log
    /// before its next proposal). Records the core asks to persist are written together, atomically
    /// (one statement or transaction), right before the first effect that could let anyone see them.
    private func apply(_ input: ConsensusInput, to replica: inout Replica, peers: [DirectSocket?], timers: inout TimerDeadlines,
                       lastDigest: inout ProposalDigest) throws {
        var inputs = [input]
        while !inputs.isEmpty {
            var records: [DurableRecord] = []
            for effect in replica.apply(inputs.removeFirst()) {
                if case .persist(let record) = effect {
                    records.append(record)
                    continue
                }
                try store.append(records)
                records.removeAll()
                try perform(effect, peers: peers, timers: &timers, lastDigest: &lastDigest, loopback: &inputs)
            }
            try store.append(records)
        }
    }

    private func perform(_ effect: ConsensusEffect, peers: [DirectSocket?], timers: inout TimerDeadlines,
                         lastDigest: inout ProposalDigest, loopback: inout [ConsensusInput]) throws {
        switch effect {
        case .persist(let record):
            try store.append([record])
        case .broadcast(let message):
            let (signed, frame) = ConsensusSigning.sign(message, with: key)
            for peer in peers { peer?.send(frame) }
            authenticator.remember(signed)
            loopback.append(.receive(signed))
        case .send(let message, let to):
            let (signed, frame) = ConsensusSigning.sign(message, with: key)
            authenticator.remember(signed)
            if to.rawValue == index { loopback.append(.receive(signed)) } else { peers[to.rawValue]?.send(frame) }
        case .scheduleTimer(let id, let ticks):
            timers.schedule(id, after: settings.tick * Int(min(ticks, 1_000_000)), from: .now)
        case .cancelTimer(let id):
            timers.cancel(id)
        case .commit(let entry):
            try store.store(entry)
            if !entry.proposal.isNull { lastDigest = entry.proposal.digest }
            waiters.complete(entry.proposal.digest, sequence: entry.sequence)
        case .serveEntries(let from, let limit, let to):
            let entries = try store.entries(from: from, limit: limit)
            guard !entries.isEmpty, to.rawValue != index else { return }
            let (_, frame) = ConsensusSigning.sign(.entries(EntriesReply(entries: entries, replica: ReplicaID(index))), with: key)
            peers[to.rawValue]?.send(frame)
        }
    }

    private func handlers() -> RequestHandlers {
        let (validator, control, waiters) = (self.validator, self.control, self.waiters)
        let status: @Sendable () -> ConsensusStatusOK = { [self] in self.status }
        return RequestHandlers()
            .serving(ConsensusSubmit.self) { request, _ in
                let bytes = try request.bytes()
                let proposal = Proposal(payload: bytes, digest: ProposalDigest(SHA256.hash(bytes).bytes))
                guard validator.isAcceptable(proposal, at: 0) else {
                    throw ProtocolError(.invalid, "the payload is not a well-formed batch of validly signed transactions")
                }
                let ticket = waiters.register(proposal.digest)
                guard control.submit(proposal) else {
                    waiters.cancel(ticket)
                    throw ProtocolError(.unavailable, "this member has \(MemberControl.maxQueued) proposals queued; try again later")
                }
                guard request.waitMs > 0 else {
                    waiters.cancel(ticket)
                    return ConsensusSubmitOK(digest: proposal.digest.hex, committed: false, sequence: 0)
                }
                switch await waiters.wait(ticket, timeout: .milliseconds(request.waitMs)) {
                case .committed(let sequence):
                    return ConsensusSubmitOK(digest: proposal.digest.hex, committed: true, sequence: Int64(sequence))
                case .refused(let reason):
                    throw ProtocolError(.unavailable, reason)
                case .timedOut:
                    throw ProtocolError(.unavailable, "not committed at this member within \(request.waitMs) ms")
                }
            }
            .serving(ConsensusStatus.self) { _, _ in status() }
    }
}

/// Work handed to a member's thread from other threads — requests, pre-prepares whose batch was
/// checked aside — and the stop signal; `poll` wakes it.
final class MemberControl: Sendable {
    let poll: PollLoop
    private struct State {
        var proposals: [Proposal] = []
        var checked: [SignedMessage] = []
        var checking = 0
        var stopping = false
    }
    private let state = Mutex(State())
    static let maxQueued = 10_000
    /// Batches checked aside at once; beyond that the core checks them itself.
    static let maxChecking = 64

    init() throws { poll = try PollLoop() }

    /// Queues a proposal for the core; false when `maxQueued` already wait.
    func submit(_ proposal: Proposal) -> Bool {
        let queued = state.withLock { state -> Bool in
            guard state.proposals.count < Self.maxQueued else { return false }
            state.proposals.append(proposal)
            return true
        }
        if queued { poll.wake() }
        return queued
    }

    /// Reserves a slot for checking a batch aside; false when `maxChecking` are running.
    func startChecking() -> Bool {
        state.withLock { state in
            guard state.checking < Self.maxChecking else { return false }
            state.checking += 1
            return true
        }
    }

    /// A pre-prepare whose batch was checked aside, for the core.
    func checked(_ signed: SignedMessage) {
        state.withLock { state in
            state.checking -= 1
            state.checked.append(signed)
        }
        poll.wake()
    }

    func stop() {
        state.withLock { $0.stopping = true }
        poll.wake()
    }

    /// The queued proposals and checked pre-prepares (emptying both) and whether to stop.
    func take() -> (proposals: [Proposal], checked: [SignedMessage], stopping: Bool) {
        state.withLock { state in
            defer {
                state.proposals.removeAll()
                state.checked.removeAll()
            }
            return (state.proposals, state.checked, state.stopping)
        }
    }
}

/// The core's live timers as deadlines on the member's thread: one per kind; scheduling a kind
/// again replaces the older one.
struct TimerDeadlines {
    private var live: [TimerKind: (id: TimerID, at: ContinuousClock.Instant)] = [:]

    mutating func schedule(_ id: TimerID, after delay: Duration, from now: ContinuousClock.Instant) {
        live[id.kind] = (id, now + delay)
    }

    mutating func cancel(_ id: TimerID) {
        live.removeValue(forKey: id.kind)
    }

    /// Removes and returns the timers due at `now`.
    mutating func expire(at now: ContinuousClock.Instant) -> [TimerID] {
        let due = live.values.filter { $0.at <= now }.sorted { $0.at < $1.at }.map(\.id)
        for id in due { live.removeValue(forKey: id.kind) }
        return due
    }

    /// Whole milliseconds until the next deadline (rounded up), nil when none is set.
    func millisecondsUntilNext(from now: ContinuousClock.Instant) -> Int? {
        guard let next = live.values.map(\.at).min() else { return nil }
        let left = now.duration(to: next)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
