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

    enum Event: Sendable {
        case input(ConsensusInput)
        case submit(Proposal)
    }

    public let index: Int
    public let roster: Roster
    private let key: SigningKey
    private let store: NodeStore
    private let settings: Settings
    private let logger: Logger
    private let validator = BatchValidator()
    private let authenticator: Ed25519Authenticator
    private let events: AsyncStream<Event>
    private let feed: AsyncStream<Event>.Continuation
    private let waiters = CommitWaiters()
    private let snapshot: Mutex<ConsensusStatusOK>
    public let droppedFrames = Counter()

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
        (events, feed) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingOldest(100_000))
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
        let inbox = try Puller(bind: roster.members[index].consensus)
        defer { inbox.close() }
        let peers = try roster.members.enumerated().map { offset, member in
            offset == index ? nil : try Pusher(connect: member.consensus)
        }
        defer { for peer in peers { peer?.close() } }
        let endpoint = try RequestEndpoint(bind: roster.members[index].requests, signer: EnvelopeSigner(key: key),
                                           handlers: handlers(), policy: InboundPolicy(maxBytes: 4 << 20), options: .bulk)
        defer { endpoint.close() }
        logger.notice("consensus member up", metadata: [
            "chain": "\(roster.chain)", "replica": "\(index)", "members": "\(roster.members.count)",
            "consensus": "\(inbox.endpoint)", "requests": "\(endpoint.endpoint)", "executed": "\(head.sequence)", "view": "\(restored.view)",
        ])
        // Frames are decoded and their signatures checked here, beside the core's task.
        let receiver = Task { [feed, droppedFrames, authenticator] in
            for await frame in inbox.messages {
                guard let signed = ConsensusSigning.open(frame: frame, keys: authenticator.keys) else {
                    droppedFrames.increment()
                    continue
                }
                authenticator.remember(signed)
                feed.yield(.input(.receive(signed)))
            }
        }
        defer { receiver.cancel() }
        feed.yield(.input(.resume))
        // The one owner of the core: replica, timers and the state digest live in this task only.
        let final = try await cancelWhenGracefulShutdown { [self] () async throws -> Replica in
            var replica = restored
            var timers = TimerTable()
            var lastDigest = head.stateDigest
            var (shownDigest, shownHex) = (ProposalDigest.null, "")
            defer { timers.cancelAll() }
            for await event in events {
                var inputs: [ConsensusInput]
                switch event {
                case .input(let input): inputs = [input]
                case .submit(let proposal): inputs = [.request(proposal)]
                }
                // Own messages come straight back before anything else is handled, as the core
                // expects (a primary's own PRE-PREPARE is in its log before its next proposal).
                while !inputs.isEmpty {
                    // Records the core asks to persist are written together, in one transaction,
                    // right before the first effect that could let anyone see them.
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
                let (view, primary, executed, changing) = (replica.view, replica.primary, replica.lastExecuted, replica.isChangingView)
                let dropped = replica.counters.total
                if lastDigest != shownDigest {
                    shownDigest = lastDigest
                    shownHex = lastDigest == .null ? "" : lastDigest.hex
                }
                let stateHex = shownHex
                snapshot.withLock { status in
                    status.view = Int64(view)
                    status.primary = Int64(primary.rawValue)
                    status.executed = Int64(executed)
                    status.changingView = changing
                    status.stateDigest = stateHex
                    status.dropped = Int64(dropped)
                }
            }
            return replica
        }
        logger.notice("consensus member stopping", metadata: ["executed": "\(final.lastExecuted)", "view": "\(final.view)",
                                                             "dropped": "\(final.counters.total + droppedFrames.value)"])
    }

    private func perform(_ effect: ConsensusEffect, peers: [Pusher?], timers: inout TimerTable,
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
            let (feed, tick) = (self.feed, settings.tick)
            timers.schedule(id, task: Task {
                try? await Task.sleep(for: tick * Int(min(ticks, 1_000_000)))
                if !Task.isCancelled { feed.yield(.input(.timeout(id))) }
            })
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
        let (validator, feed, waiters) = (self.validator, self.feed, self.waiters)
        let status: @Sendable () -> ConsensusStatusOK = { [self] in self.status }
        return RequestHandlers()
            .serving(ConsensusSubmit.self) { request, _ in
                let bytes = try request.bytes()
                let proposal = Proposal(payload: bytes, digest: ProposalDigest(SHA256.hash(bytes).bytes))
                guard validator.isAcceptable(proposal, at: 0) else {
                    throw ProtocolError(.invalid, "the payload is not a well-formed batch of validly signed transactions")
                }
                let ticket = waiters.register(proposal.digest)
                feed.yield(.submit(proposal))
                guard request.waitMs > 0 else {
                    waiters.cancel(ticket)
                    return ConsensusSubmitOK(digest: proposal.digest.hex, committed: false, sequence: 0)
                }
                guard let sequence = await waiters.wait(ticket, timeout: .milliseconds(request.waitMs)) else {
                    throw ProtocolError(.unavailable, "not committed at this member within \(request.waitMs) ms")
                }
                return ConsensusSubmitOK(digest: proposal.digest.hex, committed: true, sequence: Int64(sequence))
            }
            .serving(ConsensusStatus.self) { _, _ in status() }
    }
}

/// The core's live timers: one task per kind; scheduling a kind again replaces the older one.
struct TimerTable {
    private var tasks: [TimerKind: Task<Void, Never>] = [:]

    mutating func schedule(_ id: TimerID, task: Task<Void, Never>) {
        tasks[id.kind]?.cancel()
        tasks[id.kind] = task
    }

    mutating func cancel(_ id: TimerID) {
        tasks.removeValue(forKey: id.kind)?.cancel()
    }

    mutating func cancelAll() {
        for task in tasks.values { task.cancel() }
        tasks.removeAll()
    }
}
