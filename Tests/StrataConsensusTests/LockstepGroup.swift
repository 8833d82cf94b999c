import StrataConsensus

/// A small deterministic group for scenario tests: messages go through one FIFO queue, a filter
/// decides which (from, to, message) get through, timers fire only when a test fires them.
struct LockstepGroup {
    var replicas: [Replica]
    var ledgers: [[CommittedEntry]]
    var timers: [[TimerID]]
    var effectsSeen: [[ConsensusEffect]]
    var queue: [(to: Int, SignedMessage)] = []
    let oracle: SigningOracle
    /// Return false to lose a message from `from` to `to`.
    var allows: (Int, Int, ConsensusMessage) -> Bool = { _, _, _ in true }

    init(members: Int, config: ((inout ConsensusConfig) -> Void)? = nil,
         validators: [any ProposalValidator]? = nil) throws {
        var configuration = ConsensusConfig(members: members, checkpointInterval: 2, logWindow: 4, requestTimeout: 100)
        config?(&configuration)
        let oracle = SigningOracle(members: members)
        self.oracle = oracle
        replicas = try (0..<members).map { index in
            try Replica(id: ReplicaID(index), config: configuration, authenticator: OracleAuthenticator(oracle: oracle),
                        validator: validators?[index] ?? SimulatedValidator())
        }
        ledgers = Array(repeating: [], count: members)
        timers = Array(repeating: [], count: members)
        effectsSeen = Array(repeating: [], count: members)
    }

    mutating func input(_ input: ConsensusInput, at node: Int) {
        for effect in replicas[node].apply(input) {
            effectsSeen[node].append(effect)
            switch effect {
            case .persist, .cancelTimer: break
            case .send(let message, let target): enqueue(message, from: node, to: [target.rawValue])
            case .broadcast(let message): enqueue(message, from: node, to: Array(replicas.indices))
            case .scheduleTimer(let timer, _): timers[node].append(timer)
            case .commit(let entry): ledgers[node].append(entry)
            case .serveEntries(let from, let limit, let target):
                let entries = Array(ledgers[node].dropFirst(Int(from) - 1).prefix(limit))
                enqueue(.entries(EntriesReply(entries: entries, replica: ReplicaID(node))), from: node, to: [target.rawValue])
            }
        }
    }

    mutating func enqueue(_ message: ConsensusMessage, from node: Int, to targets: [Int]) {
        for target in targets where target == node || allows(node, target, message) {
            queue.append((target, oracle.sign(message, by: node)))
        }
    }

    /// Delivers until the queue is empty.
    mutating func settle() {
        while !queue.isEmpty {
            let (target, signed) = queue.removeFirst()
            input(.receive(signed), at: target)
        }
    }

    /// Sends a request to the given members and settles.
    mutating func request(_ proposal: Proposal, to nodes: [Int]? = nil) {
        for node in nodes ?? Array(replicas.indices) { input(.request(proposal), at: node) }
        settle()
    }

    /// Fires the latest timer of `kind` at each given member, then settles.
    mutating func fire(_ kind: TimerKind, at nodes: [Int]) {
        for node in nodes {
            if let timer = timers[node].last(where: { $0.kind == kind }) { input(.timeout(timer), at: node) }
        }
        settle()
    }

    func digests(at node: Int) -> [Digest] { ledgers[node].map(\.proposal.digest) }
}
