/// Peer liveness from heartbeats (ZeroMQ Guide ch. 4, Paranoid Pirate): a peer is `alive` while it
/// has been heard within one interval, `late` after that, and `dead` once `liveness` intervals pass
/// without a word. A dead peer that is heard again is `alive` again and its `recoveries` count grows.
/// Time is passed in (any monotonic clock), so tests step it instead of sleeping.
public struct Liveness<Peer: Hashable & Sendable>: Sendable {
    public enum State: String, Sendable, Hashable {
        case alive, late, dead
    }

    public struct Record: Sendable, Hashable {
        public var lastHeard: ContinuousClock.Instant
        public var beats: Int
        public var recoveries: Int
        public var state: State
    }

    public let interval: Duration
    public let liveness: Int
    public private(set) var peers: [Peer: Record] = [:]

    public init(interval: Duration = .seconds(1), liveness: Int = 3) {
        precondition(liveness >= 1 && interval > .zero, "liveness needs a positive interval and count")
        self.interval = interval
        self.liveness = liveness
    }

    /// Records a heartbeat (or any message) from `peer`.
    public mutating func heard(_ peer: Peer, at now: ContinuousClock.Instant) {
        var record = peers[peer] ?? Record(lastHeard: now, beats: 0, recoveries: 0, state: .alive)
        if record.state == .dead { record.recoveries += 1 }
        record.lastHeard = now
        record.beats += 1
        record.state = .alive
        peers[peer] = record
    }

    /// Re-evaluates every peer at `now`; returns the peers whose state changed, with the new state.
    @discardableResult
    public mutating func check(at now: ContinuousClock.Instant) -> [(peer: Peer, state: State)] {
        var changes: [(Peer, State)] = []
        for (peer, record) in peers {
            let silence = record.lastHeard.duration(to: now)
            let state: State = silence >= interval * liveness ? .dead : silence > interval ? .late : .alive
            if state != record.state {
                peers[peer]?.state = state
                changes.append((peer, state))
            }
        }
        return changes
    }

    public func state(of peer: Peer) -> State? { peers[peer]?.state }

    /// Forgets a peer (it left on purpose).
    public mutating func remove(_ peer: Peer) { peers.removeValue(forKey: peer) }
}
