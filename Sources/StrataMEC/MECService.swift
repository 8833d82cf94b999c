public import StrataService

/// One MEC aggregator (paper Steps 2–5): LMUC leader and member, device selection by reputation,
/// cross-chain communicator, GMUC shard member. This shell gives each instance (`mec-0`, `mec-1`, …)
/// its identity, its SQLite file, health and heartbeats; the chains and the round loop arrive with
/// the chains and workflow issues.
public enum MECService {
    public static var blueprint: ServiceBlueprint { ServiceBlueprint(kind: .mec) }
}
