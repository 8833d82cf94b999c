public import StrataService

/// The task publisher (paper Step 1): publishes FL tasks with data requirements, the validation set
/// digest and a reward budget, and receives the final model. This shell gives it its identity, its
/// SQLite file, health and heartbeats; the task dialogs arrive with the workflow issue.
public enum PublisherService {
    public static var blueprint: ServiceBlueprint { ServiceBlueprint(kind: .publisher) }
}
