public import StrataService

/// The reputation and incentive service: subjective-logic reputation from on-chain evidence,
/// clustering of devices into types, contract menus and payouts (paper §"Incentive strategy").
/// This shell gives it its identity, its SQLite file, health and heartbeats; the trust models
/// arrive with the trust and incentive issue.
public enum ReputationService {
    public static var blueprint: ServiceBlueprint { ServiceBlueprint(kind: .reputation) }
}
