import Foundation
import Testing
@testable import StrataConsensus

/// Property tests over seeded schedules (agreement, validity, liveness after GST) for n = 4, 7, 10.
///
/// `make test` runs a quick set; `STRATA_SIM_SCHEDULES=N` runs N schedules per group size.
/// A failing schedule prints the command that replays it alone.
struct SimulationTests {
    static let quickSchedules = 150

    static var schedulesPerSize: Int {
        ProcessInfo.processInfo.environment["STRATA_SIM_SCHEDULES"].flatMap(Int.init) ?? quickSchedules
    }

    /// First schedule index (`STRATA_SIM_FIRST`), to explore seeds beyond the usual ones.
    static var firstSchedule: Int {
        ProcessInfo.processInfo.environment["STRATA_SIM_FIRST"].flatMap(Int.init) ?? 0
    }

    /// Seeds per group size are disjoint: n in the high bits, the schedule index in the low bits.
    static func seed(members: Int, index: Int) -> UInt64 { UInt64(members) << 32 | UInt64(index) }

    /// What the schedules of one run exercised, so a generator change cannot silently make the
    /// property tests vacuous.
    struct Coverage {
        var schedules = 0, withByzantine = 0, withCrash = 0, withRestart = 0, withViewChange = 0, withStateTransfer = 0
        var withStableCheckpoint = 0, worstLatency: UInt64 = 0, highestView: UInt64 = 0
        var dropped = DropCounters()

        mutating func add(_ outcome: ScheduleOutcome) {
            schedules += 1
            if !outcome.plan.byzantine.isEmpty { withByzantine += 1 }
            if !outcome.plan.crashes.isEmpty { withCrash += 1 }
            if outcome.restarts > 0 { withRestart += 1 }
            if outcome.viewsReached > 0 { withViewChange += 1 }
            if outcome.transferredEntries > 0 { withStateTransfer += 1 }
            if outcome.stableCheckpoints > 0 { withStableCheckpoint += 1 }
            worstLatency = max(worstLatency, outcome.worstCommitLatencyAfterGST)
            highestView = max(highestView, outcome.viewsReached)
            dropped.add(outcome.dropped)
        }

        var summary: String {
            "\(schedules) schedules: \(withByzantine) with Byzantine members, \(withCrash) with crashes (\(withRestart) restarted from disk), "
                + "\(withViewChange) with view changes (highest view \(highestView)), \(withStateTransfer) with state transfer, "
                + "\(withStableCheckpoint) with stable checkpoints; worst commit latency after GST \(worstLatency) ticks "
                + "(bound \(livenessBound)); dropped at correct members: \(dropped)"
        }
    }

    @Test("agreement, validity and liveness hold on every seeded schedule", arguments: [4, 7, 10])
    func propertiesHold(members: Int) {
        let clock = ContinuousClock()
        var coverage = Coverage()
        let elapsed = clock.measure {
            for index in Self.firstSchedule..<(Self.firstSchedule + Self.schedulesPerSize) {
                let outcome = runSchedule(SchedulePlan(seed: Self.seed(members: members, index: index), members: members))
                if !outcome.violations.isEmpty {
                    Issue.record("""
                        \(outcome.plan)
                        \(outcome.violations.prefix(5).joined(separator: "\n"))
                        replay: \(outcome.replayCommand)
                        """)
                }
                coverage.add(outcome)
            }
        }
        print("simulation n=\(members) in \(elapsed): \(coverage.summary)")
        // The faults the schedules are meant to exercise did occur.
        #expect(coverage.withByzantine > 0 && coverage.withCrash > 0 && coverage.withRestart > 0 && coverage.withViewChange > 0)
        #expect(coverage.withStateTransfer > 0 && coverage.withStableCheckpoint > 0)
        #expect(coverage.dropped.badSignature > 0 && coverage.dropped.nonMember > 0 && coverage.dropped.oversize > 0)
        #expect(coverage.dropped.invalidProposal > 0 && coverage.dropped.duplicate > 0)
        #expect(coverage.dropped.badCertificate > 0 && coverage.dropped.equivocation > 0)
        #expect(coverage.dropped.oldView > 0 && coverage.dropped.outsideWindow > 0)
    }

    /// Schedules that exposed bugs (docs/consensus.md §5): a liveness loss in the view-change
    /// rules, an agreement violation after state transfer, a restarted member never retried.
    @Test("schedules that once failed stay fixed", arguments: [
        (4, UInt64(17_179_870_928)), (7, UInt64(30_064_773_223)), (7, UInt64(30_064_771_102)),
    ])
    func onceFailing(members: Int, seed: UInt64) {
        let outcome = runSchedule(SchedulePlan(seed: seed, members: members))
        #expect(outcome.violations.isEmpty, "\(outcome.violations)\nreplay: \(outcome.replayCommand)")
        #expect(outcome.committedAtCorrect >= outcome.plan.requests.count)
    }

    /// The first quick-set seed whose schedule has a Byzantine member and a restart from disk.
    static func firstSeedWithByzantineAndRestart(members: Int) -> UInt64 {
        let index = (0..<quickSchedules).first { index in
            let plan = SchedulePlan(seed: seed(members: members, index: index), members: members)
            return !plan.byzantine.isEmpty && plan.crashes.contains { $0.restart }
        } ?? 0
        return seed(members: members, index: index)
    }

    /// Replays one schedule: `STRATA_SIM_N=7 STRATA_SIM_SEED=1234 swift test --filter …/replay`;
    /// with `STRATA_SIM_TRACE=1` it first prints the schedule's view changes, commits and transfers.
    /// Without the variables it replays the first quick-set schedule with a Byzantine member and a restart.
    @Test("a seed replays the same schedule with the same outcome")
    func replay() {
        let environment = ProcessInfo.processInfo.environment
        let members = environment["STRATA_SIM_N"].flatMap(Int.init) ?? 4
        let seed = environment["STRATA_SIM_SEED"].flatMap(UInt64.init) ?? Self.firstSeedWithByzantineAndRestart(members: members)
        let plan = SchedulePlan(seed: seed, members: members)
        if environment["STRATA_SIM_TRACE"] != nil { traceSchedule(plan) }
        let first = runSchedule(plan)
        let second = runSchedule(plan)
        print("replay \(plan)\n  violations: \(first.violations)\n  " + first.finalStates.joined(separator: "\n  ") + "\n  committed at every correct member: "
              + "\(first.committedAtCorrect), messages delivered: \(first.deliveredMessages), views reached: \(first.viewsReached)")
        #expect(first.violations.isEmpty, "\(first.violations)")
        #expect(first.deliveredMessages == second.deliveredMessages)
        #expect(first.ledgers == second.ledgers)
        #expect(first.finalStates == second.finalStates)
        #expect(first.dropped == second.dropped)
        #expect(first.ledgers.contains { !$0.isEmpty })
    }
}
