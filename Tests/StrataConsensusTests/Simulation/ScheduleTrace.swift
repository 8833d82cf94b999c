import StrataConsensus

/// Prints one schedule's consensus events, tick by tick: timeouts, restarts, NEW-VIEWs received
/// (with their O), commits with their certificate signers, stable checkpoints, state transfers.
func traceSchedule(_ plan: SchedulePlan) {
    guard var simulator = try? Simulator(plan: plan) else { return }
    simulator.observer = { now, node, input, effects in
        var lines: [String] = []
        switch input {
        case .receive(let signed):
            if case .newView(let m) = signed.message {
                lines.append("NEW-VIEW v\(m.view) from \(m.replica), O = \(m.prePrepares.map { "\($0.sequence):\($0.proposal.digest)" })")
            }
            if case .entries(let m) = signed.message, !m.entries.isEmpty {
                lines.append("entries \(m.entries.map(\.sequence)) from \(m.replica)")
            }
        case .timeout(let timer): lines.append("timeout \(timer)")
        case .resume: lines.append("resume")
        case .request: break
        }
        for effect in effects {
            switch effect {
            case .commit(let entry):
                lines.append("commit \(entry.sequence) = \(entry.proposal.digest) (view \(entry.view), signers \(entry.signers))")
            case .persist(.stableCheckpoint(let sequence, _)): lines.append("stable checkpoint \(sequence)")
            case .broadcast(.viewChange(let change)) where change.replica.rawValue == node:
                lines.append("view-change to \(change.newView), prepared \(change.prepared.map(\.sequence))")
            default: break
            }
        }
        for line in lines { print("t=\(now) r\(node): \(line)") }
    }
    let deadline = max(plan.gst, plan.requests.map(\.time).max() ?? 0) + livenessBound
    simulator.run(until: deadline) { _ in false }
}
