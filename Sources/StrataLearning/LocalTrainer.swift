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
/// The hot loop runs on a `TrainingKernel` — Strata's AVX-512 kernels where the CPU has them,
/// else OpenBLAS `cblas_sgemm` — over workspaces allocated once per call (`TrainingWorkspace`), so
/// no batch allocates. The SGD step is fused into the weight-gradient products (`W ← W − lr·Aᵀ·δ`).
/// Rows are visited in a seeded order per epoch; the last batch of an epoch may be short. The two
/// kernels (and BLAS across thread counts or CPU kernels) differ in the last bits, so training is
/// reproducible for one machine, kernel and thread count, not bit-identical everywhere; scoring and
/// aggregation, which nodes vote on, use neither (see `Evaluator`).
public struct LocalTrainer: Sendable, Hashable {
    public let kind: ModelKind
    public let config: TrainingConfig
    public let kernel: TrainingKernel

    /// `kernel` defaults to the fastest this CPU runs; asking for `.simd` without AVX-512 throws.
    public init(kind: ModelKind, config: TrainingConfig, kernel: TrainingKernel = .best) throws {
        try config.validate()
        try kernel.requireAvailable()
        self.kind = kind
        self.config = config
        self.kernel = kernel
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
        let workspace = TrainingWorkspace(kind: kind, batchSize: min(config.batchSize, data.count), kernel: kernel)
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
