/// The kinds of timer a member runs (Castro & Liskov §4.4, §4.5.2).
public enum TimerKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// Running while a request is pending: expiry suspects the primary.
    case progress
    /// Running while a view change waits for its NEW-VIEW: expiry moves on to the next view.
    case viewChange
    /// Running while a member fetches committed entries it fell behind on: expiry asks another peer.
    case fetch
}

/// One scheduled timer. Only the latest `epoch` per kind is live; older timeouts are ignored.
public struct TimerID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let kind: TimerKind
    public let epoch: UInt64

    public init(kind: TimerKind, epoch: UInt64) {
        self.kind = kind
        self.epoch = epoch
    }

    public var description: String { "\(kind.rawValue)#\(epoch)" }
}

/// Everything that can happen to a member. The driver turns sockets, timers and clients into these.
public enum ConsensusInput: Hashable, Sendable {
    /// A signed message from the network (or the member's own broadcast, looped back).
    case receive(SignedMessage)
    /// A request to order: from a client, or the member's own candidate (GMUC: its own aggregate).
    case request(Proposal)
    /// A timer scheduled by `Effect.scheduleTimer` fired.
    case timeout(TimerID)
    /// The driver (re)started this member after a crash or a pause: timers are re-armed and the
    /// member asks a peer for entries it may have missed.
    case resume
}

/// What a member asks its driver to do, in order. `persist` of a message always precedes the
/// `broadcast`/`send` of the same message: the driver must make it durable before sending.
public enum ConsensusEffect: Hashable, Sendable {
    /// Make this own message durable (write-ahead log) before it is sent.
    case persist(ConsensusMessage)
    /// Sign and send to one member.
    case send(ConsensusMessage, to: ReplicaID)
    /// Sign and send to every member, this one included: the driver delivers its own copy back as
    /// `.receive` without the network (own votes are counted like everyone else's).
    case broadcast(ConsensusMessage)
    /// Fire `.timeout(id)` after this many ticks, unless cancelled.
    case scheduleTimer(TimerID, afterTicks: UInt64)
    case cancelTimer(TimerID)
    /// Execute this entry: it is committed, in sequence order, with its commit certificate.
    case commit(CommittedEntry)
    /// Answer a peer's state-transfer request from the ledger: send it `.entries` with at most
    /// `limit` consecutive committed entries starting at `from`.
    case serveEntries(from: UInt64, limit: Int, to: ReplicaID)
}
