import StrataConsensus

/// The result of one seeded schedule: property violations (empty when all hold) and what happened.
struct ScheduleOutcome: Sendable {
    let plan: SchedulePlan
    var violations: [String] = []
    var committedAtCorrect = 0
    /// Ticks from max(GST, request time) until the last correct member committed it.
    var worstCommitLatencyAfterGST: UInt64 = 0
    var viewsReached: UInt64 = 0
    var dropped = DropCounters()
    var deliveredMessages = 0
    var transferredEntries = 0
    var stableCheckpoints = 0
    var restarts = 0
    /// Every member's ledger as digests, to check that a replay is identical.
    var ledgers: [[Digest]] = []
    /// Each member's final state, for diagnosing a failing seed.
    var finalStates: [String] = []

    /// The command that replays this schedule.
    var replayCommand: String {
        "STRATA_SIM_N=\(plan.members) STRATA_SIM_SEED=\(plan.seed) swift test --filter StrataConsensusTests.SimulationTests/replay"
    }
}

/// Ticks after GST (or after a request is sent, if later) within which every correct member must
/// have committed it: 50 request timeouts of 120 ticks. It covers f faulty primaries in a row with
/// doubling view-change timeouts; the worst seen over 9,000 schedules was about 2,600.
let livenessBound: UInt64 = 6_000

/// Runs one schedule and checks the three properties on the correct members:
/// agreement (no two different digests at one sequence), validity (only proposals the application
/// accepts, or the null request, commit; every commit carries 2f+1 distinct signers) and liveness
/// (after GST every request commits at every correct member within `livenessBound` ticks).
func runSchedule(_ plan: SchedulePlan) -> ScheduleOutcome {
    var outcome = ScheduleOutcome(plan: plan)
    var simulator: Simulator
    do { simulator = try Simulator(plan: plan) } catch {
        outcome.violations.append("could not build the group: \(error)")
        return outcome
    }
    let requests = plan.requests.map { SimulatedRequests.proposal(id: $0.id).digest }
    let lastRequest = plan.requests.map(\.time).max() ?? 0
    let deadline = max(plan.gst, lastRequest) + livenessBound
    let correct = simulator.correctNodes
    simulator.run(until: deadline) { sim in
        correct.allSatisfy { node in
            requests.allSatisfy { digest in sim.nodes[node].ledger.contains { $0.proposal.digest == digest } }
        }
    }
    let finishedAt = simulator.now
    outcome.violations += simulator.driverViolations
    outcome.deliveredMessages = simulator.deliveredMessages
    outcome.transferredEntries = simulator.transferredEntries
    outcome.restarts = simulator.nodes.map(\.restarts).reduce(0, +)
    outcome.ledgers = simulator.nodes.map { $0.ledger.map(\.proposal.digest) }
    outcome.finalStates = simulator.nodes.indices.map { index in
        let node = simulator.nodes[index]
        let replica = node.replica
        return "r\(index)\(node.isByzantine ? " (Byzantine)" : ""): view \(replica.view)\(replica.isChangingView ? " changing" : "") "
            + "h=\(replica.lowWatermark) executed=\(replica.lastExecuted) ledger=\(node.ledger.count) "
            + "pending=\(replica.pending.count) restarts=\(node.restarts) dropped: \(replica.counters)"
    }
    outcome.stableCheckpoints = correct.map { Int(simulator.nodes[$0].replica.lowWatermark) }.max() ?? 0

    // Agreement: every pair of correct ledgers agrees on every sequence both hold.
    let ledgers = correct.map { simulator.nodes[$0].ledger }
    let longest = ledgers.max { $0.count < $1.count } ?? []
    for (index, ledger) in zip(correct, ledgers) {
        for (position, entry) in ledger.enumerated() where entry.proposal.digest != longest[position].proposal.digest {
            outcome.violations.append("agreement: r\(index) committed \(entry.proposal.digest) at \(entry.sequence), "
                + "another correct member \(longest[position].proposal.digest)")
            break
        }
        // Validity: only accepted proposals (or null) commit, each with a 2f+1 commit certificate.
        for entry in ledger {
            if !entry.proposal.isNull, !SimulatedRequests.isValid(entry.proposal) {
                outcome.violations.append("validity: r\(index) committed an invalid proposal at \(entry.sequence)")
            }
            if Set(entry.signers).count < plan.config.quorum || !entry.commits.allSatisfy(simulator.oracle.verify) {
                outcome.violations.append("validity: r\(index) entry \(entry.sequence) lacks a 2f+1 commit certificate")
            }
        }
        outcome.viewsReached = max(outcome.viewsReached, simulator.nodes[index].replica.view)
        outcome.dropped.add(simulator.nodes[index].replica.counters)
    }
    outcome.committedAtCorrect = ledgers.map(\.count).min() ?? 0

    // Liveness: every request committed at every correct member by the deadline.
    for (request, digest) in zip(plan.requests, requests) {
        let missing = correct.filter { node in !simulator.nodes[node].ledger.contains { $0.proposal.digest == digest } }
        if !missing.isEmpty {
            outcome.violations.append("liveness: request \(request.id) not committed at \(missing.map { "r\($0)" }) "
                + "by tick \(deadline) (GST \(plan.gst), sent \(request.time))")
        }
    }
    if outcome.violations.isEmpty {
        outcome.worstCommitLatencyAfterGST = finishedAt - min(finishedAt, max(plan.gst, lastRequest))
    }
    return outcome
}
