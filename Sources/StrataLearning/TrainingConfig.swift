/// Mini-batch SGD settings for one device's local training.
public struct TrainingConfig: Sendable, Hashable {
    public var learningRate: Float
    public var batchSize: Int
    /// Passes over the device's data per round.
    public var epochs: Int

    public init(learningRate: Float, batchSize: Int = 32, epochs: Int = 1) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
    }

    /// The Flower reference scenario: lr 0.1 for logistic regression, 0.05 for the MLP, batch 32, 1 epoch.
    public static func reference(for kind: ModelKind) -> TrainingConfig {
        switch kind {
        case .logisticRegression: TrainingConfig(learningRate: 0.1)
        case .mlp: TrainingConfig(learningRate: 0.05)
        }
    }

    public func validate() throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw LearningError(.invalidArgument, "learning rate must be a positive number, got \(learningRate)")
        }
        guard batchSize >= 1, batchSize <= 65_536 else {
            throw LearningError(.invalidArgument, "batch size must be in 1…65536, got \(batchSize)")
        }
        guard epochs >= 1, epochs <= 10_000 else {
            throw LearningError(.invalidArgument, "local epochs must be in 1…10000, got \(epochs)")
        }
    }
}
