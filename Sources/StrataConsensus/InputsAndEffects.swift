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

/// What a member must find again after a restart (`Replica(restoring:)`): its own messages, the
/// prepared certificates it formed and its stable checkpoint (Castro & Liskov §4.3/§4.4 assume
/// this state is on stable storage).
public enum DurableRecord: Hashable, Codable, Sendable {
    /// A message this member sent: its votes, proposals, checkpoints and view-changes.
    case sent(ConsensusMessage)
    /// A prepared certificate this member formed (it goes into its VIEW-CHANGE messages).
    case prepared(PreparedCertificate)
    /// A checkpoint became stable with this proof.
    case stableCheckpoint(sequence: UInt64, proof: [SignedMessage])
}

/// What a member asks its driver to do, in order. `persist` always precedes the `broadcast`/`send`
/// that depends on it: the driver must make the record durable before it sends anything after it.
public enum ConsensusEffect: Hashable, Sendable {
    /// Append this record to the member's write-ahead log (durably) before performing later effects.
    case persist(DurableRecord)
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
