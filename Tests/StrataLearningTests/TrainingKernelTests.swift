import Foundation
import StrataLearning
import Testing

/// The AVX-512 training kernel against an independent reference (a naive Double step) and against
/// OpenBLAS on real data. They sum in different orders, so agreement is to rounding, not bits:
/// measured differences are ≤ 2e-7 (reference) and ≤ 1.2e-7 (blas, one epoch); the bounds leave ~10×.
/// On a CPU without AVX-512 these tests are skipped, saying so.
@Suite("Training kernels", .enabled(if: TrainingKernel.simdAvailable, "this CPU lacks AVX-512F/DQ or FMA: the simd kernel cannot run here"))
struct TrainingKernelTests {
    @Test("The default kernel is simd on an AVX-512 CPU, and each kernel can be chosen")
    func choice() throws {
        #expect(TrainingKernel.best == .simd)
        #expect(try LocalTrainer(kind: .mlp784, config: .reference(for: .mlp784)).kernel == .simd)
        #expect(try LocalTrainer(kind: .mlp784, config: .reference(for: .mlp784), kernel: .blas).kernel == .blas)
    }

    /// Shapes that exercise every block path: row blocks of 8 and 4 and single rows, column
    /// blocks of 64 with a masked partial zmm, narrow (1–2 zmm) outputs, and odd input counts.
    @Test("One MLP step with the simd kernel matches a naive Double reference", arguments: [
        (inputs: 23, hidden: 70, classes: 5, rows: 13),
        (inputs: 784, hidden: 128, classes: 10, rows: 32),
        (inputs: 9, hidden: 16, classes: 2, rows: 1),
        (inputs: 40, hidden: 200, classes: 33, rows: 7),
    ])
    func mlpAgainstReference(shape: (inputs: Int, hidden: Int, classes: Int, rows: Int)) throws {
        let kind = ModelKind.mlp(inputs: shape.inputs, hidden: shape.hidden, classes: shape.classes)
        try expectReferenceStep(kind, rows: shape.rows, seed: UInt64(shape.inputs * 1000 + shape.hidden))
    }

    @Test("One logistic-regression step with the simd kernel matches a naive Double reference", arguments: [(784, 10, 32), (31, 3, 9)])
    func logregAgainstReference(inputs: Int, classes: Int, rows: Int) throws {
        try expectReferenceStep(.logisticRegression(inputs: inputs, classes: classes), rows: rows, seed: UInt64(inputs))
    }

    @Test("On MNIST 5k, one SGD step with the simd kernel matches the blas kernel", arguments: [ModelKind.mlp784, .logreg784])
    func oneStepMatchesBLAS(kind: ModelKind) throws {
        let shard = try TestData.mnistTask().train.subset(0..<32)
        let (simd, blas) = try trainBoth(kind, on: shard, batchSize: 32, epochs: 1)
        #expect(maxDifference(simd.parameters, blas.parameters) < 1e-7)
        #expect(abs(simd.meanLoss - blas.meanLoss) < 1e-7)
    }

    /// 1,000 rows: batch 32 ends on a short batch of 8, 33 on 10, 7 on 6; 50 and 1000 divide evenly.
    @Test("On MNIST 5k, one epoch with the simd kernel matches the blas kernel, short last batch included",
          arguments: [32, 33, 7, 50, 1000])
    func oneEpochMatchesBLAS(batchSize: Int) throws {
        let shard = try TestData.mnistTask().train.subset(0..<1000)
        for kind in [ModelKind.mlp784, .logreg784] {
            let (simd, blas) = try trainBoth(kind, on: shard, batchSize: batchSize, epochs: 1)
            let difference = maxDifference(simd.parameters, blas.parameters)
            #expect(difference < 1e-6, "\(kind) batch \(batchSize): max |simd − blas| = \(difference)")
            #expect(abs(simd.meanLoss - blas.meanLoss) < 1e-7, "\(kind) batch \(batchSize): loss \(simd.meanLoss) vs \(blas.meanLoss)")
        }
    }

    @Test("Both kernels reach the same MNIST 5k accuracy after 2 MLP epochs")
    func sameAccuracy() throws {
        let task = try TestData.mnistTask()
        let (simd, blas) = try trainBoth(.mlp784, on: task.train, batchSize: 32, epochs: 2)
        let simdAccuracy = try Evaluator.evaluate(simd.parameters, kind: .mlp784, on: task.test).accuracy
        let blasAccuracy = try Evaluator.evaluate(blas.parameters, kind: .mlp784, on: task.test).accuracy
        #expect(simdAccuracy >= 0.80)
        #expect(abs(simdAccuracy - blasAccuracy) <= 0.002, "simd \(simdAccuracy), blas \(blasAccuracy)")
    }

    // MARK: - Helpers

    private func trainBoth(_ kind: ModelKind, on data: Dataset, batchSize: Int, epochs: Int) throws
        -> (simd: LocalTrainingResult, blas: LocalTrainingResult) {
        let config = TrainingConfig(learningRate: TrainingConfig.reference(for: kind).learningRate, batchSize: batchSize, epochs: epochs)
        let global = Model.initialized(kind, seed: 3).parameters
        func run(_ kernel: TrainingKernel) throws -> LocalTrainingResult {
            try LocalTrainer(kind: kind, config: config, kernel: kernel).train(from: global, on: data, seed: 11)
        }
        return (try run(.simd), try run(.blas))
    }

    /// The largest |a − b|, NaN if any value is not finite (so that no comparison passes).
    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { worst, pair in
            pair.0.isFinite && pair.1.isFinite && !worst.isNaN ? max(worst, abs(pair.0 - pair.1)) : .nan
        }
    }

    /// Trains one batch of `rows` random rows (the whole data set, so the batch order cannot matter)
    /// with the simd kernel and compares with `ReferenceStep`, parameter by parameter and the loss.
    private func expectReferenceStep(_ kind: ModelKind, rows: Int, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let features = (0 ..< rows * kind.inputs).map { _ in Float(generator.uniform()) }
        let labels = (0..<rows).map { _ in UInt8(generator.below(kind.classes)) }
        let data = try Dataset(features: features, labels: labels, featureCount: kind.inputs, classCount: kind.classes)
        // Larger than PyTorch's init so that many hidden units are active and many are not.
        let start = (0..<kind.parameterCount).map { _ in Float(generator.uniform() - 0.5) * 0.4 }
        let lr: Float = 0.5
        let trainer = try LocalTrainer(kind: kind, config: TrainingConfig(learningRate: lr, batchSize: rows), kernel: .simd)
        let result = try trainer.train(from: start, on: data, seed: 0)
        let reference = ReferenceStep(kind: kind, parameters: start.map(Double.init), features: features.map(Double.init),
                                      labels: labels.map(Int.init), learningRate: Double(lr))
        let finite = result.parameters.allSatisfy { $0.isFinite }
        #expect(finite, "\(kind) rows \(rows): non-finite parameters")
        let worst = zip(result.parameters, reference.parameters).enumerated()
            .map { (index: $0.offset, error: abs(Double($0.element.0) - $0.element.1)) }
            .max { $0.error < $1.error }
        #expect((worst?.error ?? 0) < 2e-6, "\(kind) rows \(rows): parameter \(worst?.index ?? -1) off by \(worst?.error ?? 0)")
        #expect(abs(result.meanLoss - reference.loss / Double(rows)) < 1e-6)
        #expect(result.parameters != start, "the step must move the parameters")
    }
}

/// One SGD step of softmax cross-entropy, written out as loops over Double from the layout that
/// `ModelKind` documents: nothing shared with the trainer but the parameter layout.
private struct ReferenceStep {
    var parameters: [Double]
    var loss = 0.0

    init(kind: ModelKind, parameters start: [Double], features: [Double], labels: [Int], learningRate lr: Double) {
        parameters = start
        let rows = labels.count, inputs = kind.inputs, classes = kind.classes
        let hiddenWidth: Int
        if case let .mlp(_, width, _) = kind { hiddenWidth = width } else { hiddenWidth = 0 }
        // The input of the output layer and where its weights start.
        let width = hiddenWidth > 0 ? hiddenWidth : inputs
        let w2 = hiddenWidth > 0 ? inputs * hiddenWidth + hiddenWidth : 0
        let b2 = w2 + width * classes
        var hidden = [Double](repeating: 0, count: rows * width)
        for r in 0..<rows {
            for j in 0..<width {
                if hiddenWidth == 0 { hidden[r * width + j] = features[r * inputs + j]; continue }
                var sum = start[inputs * hiddenWidth + j]
                for p in 0..<inputs { sum += features[r * inputs + p] * start[p * hiddenWidth + j] }
                hidden[r * width + j] = max(sum, 0)
            }
        }
        var delta = [Double](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            var logits = (0..<classes).map { c in
                (0..<width).reduce(start[b2 + c]) { $0 + hidden[r * width + $1] * start[w2 + $1 * classes + c] }
            }
            let peak = logits.max()!
            logits = logits.map { Foundation.exp($0 - peak) }
            let total = logits.reduce(0, +)
            loss -= Foundation.log(logits[labels[r]] / total)
            for c in 0..<classes { delta[r * classes + c] = (logits[c] / total - (c == labels[r] ? 1 : 0)) / Double(rows) }
        }
        for c in 0..<classes {
            parameters[b2 + c] -= lr * (0..<rows).reduce(0) { $0 + delta[$1 * classes + c] }
            for j in 0..<width {
                parameters[w2 + j * classes + c] -= lr * (0..<rows).reduce(0) { $0 + hidden[$1 * width + j] * delta[$1 * classes + c] }
            }
        }
        guard hiddenWidth > 0 else { return }
        for j in 0..<hiddenWidth {
            // δh uses W2 before the step, masked by the ReLU.
            let hiddenDelta = (0..<rows).map { r in
                hidden[r * width + j] > 0 ? (0..<classes).reduce(0) { $0 + delta[r * classes + $1] * start[w2 + j * classes + $1] } : 0
            }
            parameters[inputs * hiddenWidth + j] -= lr * hiddenDelta.reduce(0, +)
            for p in 0..<inputs {
                parameters[p * hiddenWidth + j] -= lr * (0..<rows).reduce(0) { $0 + features[$1 * inputs + p] * hiddenDelta[$1] }
            }
        }
    }
}
