import StrataConsensus

/// Misbehaviour a Byzantine member can show in a schedule (any combination).
enum ByzantineTrait: String, CaseIterable, Hashable, Sendable {
    /// As primary, sends different (valid-looking) proposals for one sequence to different members,
    /// and NEW-VIEWs whose pre-prepares do not follow from their view-changes; as any member,
    /// splits its prepares and commits the same way (Byzantine members collude on the split).
    case equivocate
    /// As primary, proposes payloads the application rejects.
    case invalidProposals
    /// Drops its own prepares, commits, checkpoints and view-changes at random.
    case withholdVotes
    /// Sends votes claiming to be other members, votes with garbage signatures, messages from a
    /// non-member id, oversize proposals, state-transfer replies with a substituted proposal, and
    /// view-changes carrying a prepared certificate it forged.
    case forgeSignatures
    /// Sends votes for the wrong view and random digests.
    case wrongView
}

/// Everything about one seeded schedule: the group, the faults, the network before and after GST.
struct SchedulePlan: Sendable, CustomStringConvertible {
    let seed: UInt64
    let members: Int
    let byzantine: [Int: Set<ByzantineTrait>]
    /// Before GST: loss, duplication (per mille) and delays up to `maxDelay` ticks (so reordering).
    let dropPerMille: Int
    let duplicatePerMille: Int
    let maxDelay: UInt64
    /// Global stabilisation time: from here on no loss, no duplicates, delay ≤ `stableDelay`.
    let gst: UInt64
    let stableDelay: UInt64
    /// (time, request id) the client sends to every member.
    let requests: [(time: UInt64, id: UInt64)]
    /// (member, crash time, recovery time, restart from disk) for correct members; all recover by
    /// GST. With `restart` the member loses its memory and is rebuilt from its write-ahead log and
    /// ledger; without it the process was only paused (partitioned).
    let crashes: [(node: Int, down: UInt64, up: UInt64, restart: Bool)]

    var faultTolerance: Int { (members - 1) / 3 }

    var config: ConsensusConfig {
        ConsensusConfig(members: members, checkpointInterval: 4, logWindow: 8, maxPendingRequests: 32,
                        maxPayloadBytes: 64, maxViewLead: 4, maxEntriesPerFetch: 6, executedHistory: 64,
                        requestTimeout: 120, maxTimeoutDoublings: 3)
    }

    /// Derives a schedule from a seed: up to f Byzantine members with random traits, up to f
    /// crash/recovery periods among the correct ones, random loss/duplication/delay before GST.
    init(seed: UInt64, members: Int) {
        var random = SplitMix64(seed: seed)
        self.seed = seed
        self.members = members
        let f = (members - 1) / 3
        var byzantine: [Int: Set<ByzantineTrait>] = [:]
        let byzantineCount = random.int(in: 0...f)
        var order = Array(0..<members)
        for index in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(index, random.int(in: 0...index))
        }
        for node in order.prefix(byzantineCount) {
            var traits = Set(ByzantineTrait.allCases.filter { _ in random.chance(perMille: 500) })
            if traits.isEmpty { traits.insert(ByzantineTrait.allCases[random.int(in: 0...4)]) }
            byzantine[node] = traits
        }
        self.byzantine = byzantine
        dropPerMille = random.int(in: 0...300)
        duplicatePerMille = random.int(in: 0...100)
        maxDelay = random.tick(in: 1...60)
        gst = random.tick(in: 0...1500)
        stableDelay = random.tick(in: 1...8)
        var requests: [(time: UInt64, id: UInt64)] = []
        for id in 1...UInt64(random.int(in: 1...10)) {
            requests.append((time: random.tick(in: 0...(gst + 300)), id: id))
        }
        self.requests = requests
        var crashes: [(node: Int, down: UInt64, up: UInt64, restart: Bool)] = []
        if gst > 0 {
            for node in order.dropFirst(byzantineCount).prefix(random.int(in: 0...f)) {
                let down = random.tick(in: 0...gst)
                crashes.append((node: node, down: down, up: random.tick(in: down...gst), restart: random.chance(perMille: 500)))
            }
        }
        self.crashes = crashes
    }

    var description: String {
        let traits = byzantine.keys.sorted().map { "r\($0):\(byzantine[$0]!.map(\.rawValue).sorted().joined(separator: "+"))" }
        return "seed=\(seed) n=\(members) byzantine=[\(traits.joined(separator: " "))] drop=\(dropPerMille)‰ "
            + "dup=\(duplicatePerMille)‰ maxDelay=\(maxDelay) gst=\(gst) requests=\(requests.count) "
            + "crashes=\(crashes.map { "r\($0.node)@\($0.down)-\($0.up)\($0.restart ? "(restart)" : "")" })"
    }
}
