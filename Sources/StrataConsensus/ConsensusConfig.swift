/// The parameters of one consensus group and every bound on what a member buffers.
///
/// Each bound is listed in docs/consensus.md §Bounds so it can go into the wire SPEC.
public struct ConsensusConfig: Sendable, Hashable {
    /// Group size n; members are `ReplicaID(0)..<ReplicaID(n)`. PBFT needs n ≥ 3f + 1.
    public var members: Int
    /// K: a checkpoint is taken every K executed sequence numbers (Castro & Liskov §4.3).
    public var checkpointInterval: UInt64
    /// L: the log window; only sequence numbers in (h, h + L] are accepted (§4.2, §4.3).
    public var logWindow: UInt64
    /// Requests a member queues while they wait to be proposed and executed.
    public var maxPendingRequests: Int
    /// Largest proposal payload accepted, in bytes.
    public var maxPayloadBytes: Int
    /// Largest digest and signature accepted, in bytes.
    public var maxDigestBytes: Int
    public var maxSignatureBytes: Int
    /// How many views ahead of its own a member accepts PREPARE and COMMIT votes for (they may
    /// arrive before the NEW-VIEW that installs their view).
    public var maxViewLead: UInt64
    /// Most committed entries a state-transfer reply may carry (and a driver should send).
    public var maxEntriesPerFetch: Int
    /// Executed digests remembered to drop replayed requests.
    public var executedHistory: Int
    /// Ticks a member waits for a pending request to execute before it suspects the primary (§4.4).
    public var requestTimeout: UInt64
    /// View-change timeouts double per failed view change (§4.5.2) up to `requestTimeout << this`.
    public var maxTimeoutDoublings: UInt64

    public init(members: Int, checkpointInterval: UInt64 = 8, logWindow: UInt64 = 16,
                maxPendingRequests: Int = 64, maxPayloadBytes: Int = 1 << 20,
                maxDigestBytes: Int = 64, maxSignatureBytes: Int = 128, maxViewLead: UInt64 = 4,
                maxEntriesPerFetch: Int = 32, executedHistory: Int = 256,
                requestTimeout: UInt64 = 200, maxTimeoutDoublings: UInt64 = 3) {
        self.members = members
        self.checkpointInterval = checkpointInterval
        self.logWindow = logWindow
        self.maxPendingRequests = maxPendingRequests
        self.maxPayloadBytes = maxPayloadBytes
        self.maxDigestBytes = maxDigestBytes
        self.maxSignatureBytes = maxSignatureBytes
        self.maxViewLead = maxViewLead
        self.maxEntriesPerFetch = maxEntriesPerFetch
        self.executedHistory = executedHistory
        self.requestTimeout = requestTimeout
        self.maxTimeoutDoublings = maxTimeoutDoublings
    }

    /// f: the most faulty members the group tolerates, ⌊(n − 1) / 3⌋.
    public var faultTolerance: Int { (members - 1) / 3 }
    /// 2f + 1: the quorum for prepared, committed, stable checkpoints and new views.
    public var quorum: Int { 2 * faultTolerance + 1 }
    /// f + 1: enough members that at least one is correct (§4.5.2 view-change join rule).
    public var weakQuorum: Int { faultTolerance + 1 }

    /// The primary of view v is member v mod n (Castro & Liskov §4.1).
    public func primary(of view: UInt64) -> ReplicaID { ReplicaID(Int(view % UInt64(members))) }

    public func isMember(_ replica: ReplicaID) -> Bool { replica.rawValue >= 0 && replica.rawValue < members }

    public var allMembers: [ReplicaID] { (0..<members).map { ReplicaID($0) } }

    /// Checks the parameters; a group that cannot tolerate one fault is allowed (n = 1..3, f = 0).
    public func validate() throws(ConsensusError) {
        guard members >= 1 else { throw ConsensusError(.invalidConfig, "members must be at least 1, got \(members)") }
        guard checkpointInterval >= 1 else {
            throw ConsensusError(.invalidConfig, "checkpointInterval must be at least 1")
        }
        guard logWindow >= 2 * checkpointInterval, logWindow % checkpointInterval == 0 else {
            throw ConsensusError(.invalidConfig,
                                 "logWindow (\(logWindow)) must be a multiple of checkpointInterval (\(checkpointInterval)) and at least twice it")
        }
        guard maxPendingRequests >= 1, maxPayloadBytes >= 1, maxEntriesPerFetch >= 1, executedHistory >= 1 else {
            throw ConsensusError(.invalidConfig, "maxPendingRequests, maxPayloadBytes, maxEntriesPerFetch and executedHistory must be positive")
        }
        guard requestTimeout >= 1, maxViewLead >= 1, maxTimeoutDoublings <= 16 else {
            throw ConsensusError(.invalidConfig, "requestTimeout and maxViewLead must be positive, maxTimeoutDoublings at most 16")
        }
    }
}
