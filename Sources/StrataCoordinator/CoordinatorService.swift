public import StrataService

/// The shard coordinator: the GMUC's MEC registry and task sharding (isolation and cooperation,
/// paper §"Efficiency- and security-enhanced global model update"). This shell gives it its
/// identity, its SQLite file, health and heartbeats; registration and shard formation arrive with
/// the workflow issue.
public enum CoordinatorService {
    public static var blueprint: ServiceBlueprint { ServiceBlueprint(kind: .coordinator) }
}
