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

    /// Seeds per group size are disjoint: n in the high bits, the schedule index in the low bits.
    static func seed(members: Int, index: Int) -> UInt64 { UInt64(members) << 32 | UInt64(index) }

    @Test("agreement, validity and liveness hold on every seeded schedule", arguments: [4, 7, 10])
    func propertiesHold(members: Int) {
        let clock = ContinuousClock()
        var worstLatency: UInt64 = 0
        var faults = DropCounters()
        var withViewChange = 0
        let elapsed = clock.measure {
            for index in 0..<Self.schedulesPerSize {
                let outcome = runSchedule(SchedulePlan(seed: Self.seed(members: members, index: index), members: members))
                if !outcome.violations.isEmpty {
                    Issue.record("""
                        \(outcome.plan)
                        \(outcome.violations.prefix(5).joined(separator: "\n"))
                        replay: \(outcome.replayCommand)
                        """)
                }
                worstLatency = max(worstLatency, outcome.worstCommitLatencyAfterGST)
                faults.badSignature += outcome.dropped.badSignature
                faults.nonMember += outcome.dropped.nonMember
                faults.oversize += outcome.dropped.oversize
                faults.equivocation += outcome.dropped.equivocation
                faults.invalidProposal += outcome.dropped.invalidProposal
                faults.duplicate += outcome.dropped.duplicate
                if outcome.viewsReached > 0 { withViewChange += 1 }
            }
        }
        print("simulation n=\(members): \(Self.schedulesPerSize) schedules in \(elapsed), "
              + "\(withViewChange) with view changes, worst commit latency after GST \(worstLatency) ticks, "
              + "dropped at correct members: \(faults)")
    }

    /// Replays one schedule: `STRATA_SIM_N=7 STRATA_SIM_SEED=1234 swift test --filter …/replay`.
    /// Without the variables it replays a fixed schedule with a Byzantine member and crashes.
    @Test("a seed replays the same schedule with the same outcome")
    func replay() {
        let environment = ProcessInfo.processInfo.environment
        let members = environment["STRATA_SIM_N"].flatMap(Int.init) ?? 4
        let seed = environment["STRATA_SIM_SEED"].flatMap(UInt64.init) ?? Self.seed(members: 4, index: 7)
        let plan = SchedulePlan(seed: seed, members: members)
        let first = runSchedule(plan)
        let second = runSchedule(plan)
        print("replay \(plan)\n  violations: \(first.violations)\n  committed at every correct member: "
              + "\(first.committedAtCorrect), messages delivered: \(first.deliveredMessages), views reached: \(first.viewsReached)")
        #expect(first.violations.isEmpty, "\(first.violations)")
        #expect(first.deliveredMessages == second.deliveredMessages)
        #expect(first.committedAtCorrect == second.committedAtCorrect)
        #expect(first.dropped == second.dropped)
    }
}
