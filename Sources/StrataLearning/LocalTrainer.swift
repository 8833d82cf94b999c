import CBLAS

/// What a device sends after local training: its new parameters and how many rows it trained on.
public struct LocalTrainingResult: Sendable, Hashable {
    public var parameters: [Float]
    public var sampleCount: Int
    /// Mean training cross-entropy over the last epoch (as seen batch by batch while training).
    public var meanLoss: Double
}

/// Local training: mini-batch SGD with softmax cross-entropy, starting from the global parameters.
///
/// The hot loop runs on OpenBLAS `cblas_sgemm` over workspaces allocated once per call
/// (`TrainingWorkspace`), so no batch allocates. The SGD step is fused into the weight-gradient
/// GEMMs (`W ← W − lr·Aᵀ·δ`, beta = 1). Rows are visited in a seeded order per epoch; the last batch
/// of an epoch may be short. BLAS results may differ in the last bits between thread counts or CPU
/// kernels, so training is reproducible on one machine and thread count, not bit-identical
/// everywhere; scoring and aggregation, which nodes vote on, do not use BLAS (see `Evaluator`).
public struct LocalTrainer: Sendable, Hashable {
    public let kind: ModelKind
    public let config: TrainingConfig

    public init(kind: ModelKind, config: TrainingConfig) throws {
        try config.validate()
        self.kind = kind
        self.config = config
    }

    /// Pins OpenBLAS to `threads` threads for this process (the benchmark uses 1: per-core speed).
    public static func setBLASThreads(_ threads: Int) {
        openblas_set_num_threads(Int32(threads))
    }

    /// Trains a copy of `global` on `data` for `config.epochs` epochs; `seed` fixes the batch order.
    public func train(from global: [Float], on data: Dataset, seed: UInt64) throws -> LocalTrainingResult {
        guard global.count == kind.parameterCount else {
            throw LearningError(.shapeMismatch, "\(kind.layout) has \(kind.parameterCount) parameters, got \(global.count)")
        }
        guard data.featureCount == kind.inputs, data.classCount == kind.classes else {
            throw LearningError(.shapeMismatch, "data has \(data.featureCount) features / \(data.classCount) classes; \(kind.layout) needs \(kind.inputs) / \(kind.classes)")
        }
        guard data.count > 0 else { throw LearningError(.invalidArgument, "cannot train on an empty dataset") }
        try FiniteCheck.require(global, what: "global model")
        var parameters = global
        let workspace = TrainingWorkspace(kind: kind, batchSize: min(config.batchSize, data.count))
        var order = Array(0..<data.count)
        var generator = SeededGenerator(seed: seed)
        var lastEpochLoss = 0.0
        parameters.withUnsafeMutableBufferPointer { params in
            data.features.withUnsafeBufferPointer { features in
                for _ in 0..<config.epochs {
                    generator.shuffle(&order)
                    lastEpochLoss = 0
                    var start = 0
                    while start < order.count {
                        let rows = min(config.batchSize, order.count - start)
                        workspace.gather(order[start ..< start + rows], from: features.baseAddress!, labels: data.labels)
                        lastEpochLoss += workspace.step(params.baseAddress!, rows: rows, learningRate: config.learningRate)
                        start += rows
                    }
                }
            }
        }
        return LocalTrainingResult(parameters: parameters, sampleCount: data.count, meanLoss: lastEpochLoss / Double(data.count))
    }
}
