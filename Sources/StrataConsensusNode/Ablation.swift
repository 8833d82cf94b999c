#if STRATA_ABLATION
import Foundation

/// Switches for `make bench-ablation` only: they exist in a binary built with
/// `-Xswiftc -DSTRATA_ABLATION` (its own build folder) and in no other build, so a deployed
/// member can never skip a check. `STRATA_ABLATE` (read once, comma-separated) names the parts a
/// member leaves out, to measure what each costs the commit latency:
/// - `consensus-signatures`: a consensus message is taken as authentic without its Ed25519 check
///   (what a zero-cost authenticator, e.g. MACs, could save at most);
/// - `storage`: nothing is written to SQLite (the write-ahead log and the executed entries).
enum Ablation {
    static let parts = Set((ProcessInfo.processInfo.environment["STRATA_ABLATE"] ?? "").split(separator: ",").map(String.init))
    static let skipsConsensusSignatures = parts.contains("consensus-signatures")
    static let skipsStorage = parts.contains("storage")
}
#endif
