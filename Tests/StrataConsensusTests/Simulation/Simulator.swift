import StrataConsensus

/// A deterministic network of n PBFT cores: seeded delays, loss, duplication and reordering before
/// GST, crashes and recoveries, Byzantine members, and a client that sends requests to everyone.
/// It is also the driver the live services will mirror: it signs, persists before sending, loops
/// broadcasts back to the sender, runs timers in virtual ticks and serves state transfer from the
/// ledger (the list of committed entries).
struct Simulator {
    struct Node {
        var replica: Replica
        var online = true
        var ledger: [CommittedEntry] = []
        /// The write-ahead log, and the messages in it (checked before each send).
        var records: [DurableRecord] = []
        var durable: Set<ConsensusMessage> = []
        var restarts = 0
        let traits: Set<ByzantineTrait>
        var isByzantine: Bool { !traits.isEmpty }
    }

    let plan: SchedulePlan
    let oracle: SigningOracle
    var nodes: [Node]
    var now: UInt64 = 0
    var queue = EventQueue()
    var random: SplitMix64
    /// Invariant breaks the driver itself notices (a send before its persist, a gap in commits).
    var driverViolations: [String] = []
    var deliveredMessages = 0
    /// Entries members executed from state-transfer replies rather than from their own log.
    var transferredEntries = 0
    /// Sees every input and its effects (for diagnosing a seed).
    var observer: ((UInt64, Int, ConsensusInput, [ConsensusEffect]) -> Void)?

    init(plan: SchedulePlan) throws {
        self.plan = plan
        oracle = SigningOracle(members: plan.members)
        random = SplitMix64(seed: plan.seed ^ 0xD1B5_4A32_D192_ED03)
        let authenticator = OracleAuthenticator(oracle: oracle)
        nodes = try (0..<plan.members).map { index in
            Node(replica: try Replica(id: ReplicaID(index), config: plan.config, authenticator: authenticator,
                                      validator: SimulatedValidator()),
                 traits: plan.byzantine[index] ?? [])
        }
        for request in plan.requests {
            for node in 0..<plan.members {
                let time = request.time + random.tick(in: 0...plan.maxDelay)
                queue.push(.request(node: node, SimulatedRequests.proposal(id: request.id)), at: time)
            }
        }
        for crash in plan.crashes {
            queue.push(.crash(node: crash.node), at: crash.down)
            queue.push(.recover(node: crash.node, restart: crash.restart), at: crash.up)
        }
    }

    var correctNodes: [Int] { nodes.indices.filter { !nodes[$0].isByzantine } }

    /// Runs until `deadline`, or earlier once `done` holds (checked after each event).
    mutating func run(until deadline: UInt64, stopWhen done: (Simulator) -> Bool) {
        queue.push(.clientRetry, at: plan.gst)
        while let (time, event) = queue.pop(), time <= deadline {
            now = time
            handle(event)
            if done(self) { return }
        }
        now = deadline
    }

    /// After GST the client resends each request a member has not committed (PBFT §4.1: clients
    /// retransmit until they get a reply); members drop the duplicates.
    mutating func retransmitRequests() {
        for request in plan.requests where request.time <= now {
            let proposal = SimulatedRequests.proposal(id: request.id)
            for node in correctNodes where !nodes[node].ledger.contains(where: { $0.proposal.digest == proposal.digest }) {
                queue.push(.request(node: node, proposal), at: now + 1)
            }
        }
    }

    mutating func handle(_ event: SimulatedEvent) {
        switch event {
        case .deliver(let node, let signed):
            guard nodes[node].online else { return }
            deliveredMessages += 1
            apply(.receive(signed), at: node)
        case .timer(let node, let timer):
            guard nodes[node].online else { return }
            apply(.timeout(timer), at: node)
        case .request(let node, let proposal):
            guard nodes[node].online else { return }
            apply(.request(proposal), at: node)
        case .clientRetry:
            retransmitRequests()
            queue.push(.clientRetry, at: now + 4 * plan.config.requestTimeout)
        case .crash(let node):
            nodes[node].online = false
        case .recover(let node, let restart):
            nodes[node].online = true
            if restart { rebuildFromDisk(node) }
            apply(.resume, at: node)
        }
    }

    /// A restarted process: a fresh core from the write-ahead log and the ledger, nothing else.
    mutating func rebuildFromDisk(_ node: Int) {
        let ledger = nodes[node].ledger
        let executed = ledger.map(\.proposal).filter { !$0.isNull }.map(\.digest)
        let head = LedgerHead(sequence: UInt64(ledger.count), stateDigest: executed.last ?? .null,
                              recentDigests: Array(executed.suffix(plan.config.executedHistory)))
        do {
            nodes[node].replica = try Replica(id: ReplicaID(node), config: plan.config,
                                              authenticator: OracleAuthenticator(oracle: oracle),
                                              validator: SimulatedValidator(), restoring: nodes[node].records, ledger: head)
            nodes[node].restarts += 1
        } catch {
            driverViolations.append("r\(node) could not restart: \(error)")
        }
    }

    mutating func apply(_ input: ConsensusInput, at node: Int) {
        let effects = nodes[node].replica.apply(input)
        observer?(now, node, input, effects)
        if case .receive(let signed) = input, case .entries = signed.message {
            transferredEntries += effects.reduce(0) { count, effect in
                if case .commit = effect { return count + 1 }
                return count
            }
        }
        for effect in effects {
            perform(effect, at: node)
        }
    }

    mutating func perform(_ effect: ConsensusEffect, at node: Int) {
        switch effect {
        case .persist(let record):
            nodes[node].records.append(record)
            // Stable storage prunes as the live store does, so every restart restores from a pruned log.
            if case .stableCheckpoint = record {
                let drop = Set(DurableRecord.prunable(nodes[node].records))
                nodes[node].records = nodes[node].records.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            }
            if case .sent(let message) = record { nodes[node].durable.insert(message) }
        case .send(let message, let target):
            requireDurable(message, at: node)
            transmit(message, from: node, to: [target.rawValue])
        case .broadcast(let message):
            requireDurable(message, at: node)
            transmit(message, from: node, to: Array(0..<plan.members))
        case .scheduleTimer(let timer, let ticks):
            queue.push(.timer(node: node, timer), at: now + ticks)
        case .cancelTimer:
            break // the core ignores timeouts of cancelled timers
        case .commit(let entry):
            if entry.sequence != UInt64(nodes[node].ledger.count) + 1 {
                driverViolations.append("r\(node) committed sequence \(entry.sequence) after \(nodes[node].ledger.count)")
            }
            nodes[node].ledger.append(entry)
        case .serveEntries(let from, let limit, let target):
            let ledger = nodes[node].ledger
            guard from >= 1, from <= UInt64(ledger.count) else { return }
            let start = Int(from) - 1
            let entries = Array(ledger[start..<min(ledger.count, start + limit)])
            transmit(.entries(EntriesReply(entries: entries, replica: ReplicaID(node))), from: node, to: [target.rawValue])
        }
    }

    /// Votes, proposals, view-changes and checkpoints must be durable before they leave.
    mutating func requireDurable(_ message: ConsensusMessage, at node: Int) {
        switch message {
        case .fetch, .entries: return
        default:
            if !nodes[node].durable.contains(message) {
                driverViolations.append("r\(node) sent \(message.kind) before persisting it")
            }
        }
    }

    /// Signs and routes one message; a Byzantine sender may rewrite it per recipient first.
    mutating func transmit(_ message: ConsensusMessage, from node: Int, to targets: [Int]) {
        for target in targets {
            if target == node {
                // Own copy: straight back, never lost (the driver loops it back without the network).
                queue.push(.deliver(to: node, oracle.sign(message, by: node)), at: now)
                continue
            }
            let outgoing = nodes[node].isByzantine
                ? misbehave(message, from: node, to: target) : [sign(message, from: node)]
            for signed in outgoing {
                route(signed, to: target)
            }
        }
    }

    func sign(_ message: ConsensusMessage, from node: Int) -> SignedMessage { oracle.sign(message, by: node) }

    /// The network: before GST loss, duplication and random delay (hence reordering); after GST
    /// every message arrives within `stableDelay` ticks.
    mutating func route(_ signed: SignedMessage, to target: Int) {
        guard now < plan.gst else {
            queue.push(.deliver(to: target, signed), at: now + random.tick(in: 1...plan.stableDelay))
            return
        }
        if random.chance(perMille: plan.dropPerMille) { return }
        queue.push(.deliver(to: target, signed), at: now + random.tick(in: 1...plan.maxDelay))
        if random.chance(perMille: plan.duplicatePerMille) {
            queue.push(.deliver(to: target, signed), at: now + random.tick(in: 1...plan.maxDelay))
        }
    }
}
