import Foundation
import StrataConsensusNode

/// Where a small commit's time goes at n = 4: commit latency and CPU with one part of the member
/// left out at a time. Only `make bench-ablation` runs it: the parts can be left out only in a
/// separate `strata` built with `-DSTRATA_ABLATION` (see `StrataConsensusNode/Ablation.swift`),
/// named by STRATA_BENCH_ABLATION_BINARY; the first row is the normal release build.
enum AblationBench: BenchSuite {
    static let name = "ablation"
    static let summary = "n = 4 small-commit latency with one part of the members left out (diagnostic build)"
    static let onRequestOnly = true

    static func run(quick: Bool) async throws -> BenchTable {
        guard let ablated = ProcessInfo.processInfo.environment["STRATA_BENCH_ABLATION_BINARY"] else {
            throw ConsensusNodeError("set STRATA_BENCH_ABLATION_BINARY to a strata built with -Xswiftc -DSTRATA_ABLATION (make bench-ablation does)")
        }
        let batches = ConsensusBench.latencyBatches(default: quick ? 30 : 1_500)
        let runs: [(build: String, binary: String, leftOut: String)] = [
            ("release", LiveGroup.strataBinary, ""),
            ("ablation", ablated, ""),
            ("ablation", ablated, "consensus-signatures"),
            ("ablation", ablated, "storage"),
            ("ablation", ablated, "consensus-signatures,storage"),
        ]
        var table = BenchTable(columns: ["n", "build", "left out", "batches", "p50 ms", "p99 ms", "CPU ms/commit", "p50 - as built ms"])
        var asBuilt: Double?
        for run in runs {
            let group = try await LiveGroup.start(members: 4, binary: run.binary, environment: ["STRATA_ABLATE": run.leftOut])
            defer { group.stop() }
            let cpuBefore = group.cpuSeconds()
            let latency = try await ConsensusBench.measureLatency(group, batches: batches)
            let cpuPerCommit = (group.cpuSeconds() - cpuBefore) / Double(latency.count + 5)
            let reference = asBuilt ?? latency.p50
            asBuilt = reference
            table.add(["4", run.build, run.leftOut.isEmpty ? "nothing" : run.leftOut, "\(latency.count)", Format.millis(latency.p50),
                       Format.millis(latency.p99), Format.millis(cpuPerCommit), Format.millis(latency.p50 - reference)])
        }
        table.notes = [
            "Same measurement as the consensus suite's latency: one-transaction batches one at a time, the primary's confirmation.",
            "consensus-signatures: members take every consensus message as authentic without its Ed25519 check (the most a",
            "  zero-cost authenticator such as PBFT's MACs could save); storage: members write nothing to SQLite.",
            "Transaction and request-envelope signatures are checked in every row.",
        ]
        return table
    }
}
