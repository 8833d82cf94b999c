import Foundation

/// Accuracy and mean cross-entropy of a model on a dataset.
public struct Evaluation: Sendable, Hashable {
    public var accuracy: Double
    public var loss: Double
    public var count: Int
}

/// The deterministic forward pass used for evaluation and update scoring.
///
/// It deliberately does not call BLAS: every sum runs in one fixed order (hidden unit `j` of row
/// `r` = `b1[j]`, then `+ x[r][i]·W1[i][j]` for `i` ascending, skipping zero inputs; logits the
/// same way; the per-row loss in Double, rows summed in order), in IEEE 754 binary32 with no fused
/// multiply-add, on one thread. So every process, whatever its BLAS thread count or CPU kernel,
/// gets the same bits — which the MEC nodes need, since they vote on these numbers.
public enum Evaluator {
    public static func evaluate(_ model: Model, on data: Dataset) throws -> Evaluation {
        try evaluate(model.parameters, kind: model.kind, on: data)
    }

    public static func evaluate(_ parameters: [Float], kind: ModelKind, on data: Dataset) throws -> Evaluation {
        guard parameters.count == kind.parameterCount else {
            throw LearningError(.shapeMismatch, "\(kind.layout) has \(kind.parameterCount) parameters, got \(parameters.count)")
        }
        guard data.featureCount == kind.inputs, data.classCount == kind.classes else {
            throw LearningError(.shapeMismatch, "data has \(data.featureCount) features / \(data.classCount) classes; \(kind.layout) needs \(kind.inputs) / \(kind.classes)")
        }
        guard data.count > 0 else { throw LearningError(.invalidArgument, "cannot evaluate on an empty dataset") }
        try FiniteCheck.require(parameters, what: "model")
        let offsets = kind.offsets
        let inputs = kind.inputs, classes = kind.classes
        var correct = 0
        var totalLoss = 0.0
        var hiddenWidth = 0
        if case let .mlp(_, width, _) = kind { hiddenWidth = width }
        var hidden = [Float](repeating: 0, count: hiddenWidth)
        var logits = [Float](repeating: 0, count: classes)
        parameters.withUnsafeBufferPointer { p in
            data.features.withUnsafeBufferPointer { features in
                hidden.withUnsafeMutableBufferPointer { h in
                    logits.withUnsafeMutableBufferPointer { z in
                        let p = p.baseAddress!
                        for row in 0..<data.count {
                            let x = features.baseAddress! + row * inputs
                            switch kind {
                            case .logisticRegression:
                                affine(x, count: inputs, weights: p + offsets.w1, bias: p + offsets.b1, into: z.baseAddress!, width: classes)
                            case .mlp:
                                affine(x, count: inputs, weights: p + offsets.w1, bias: p + offsets.b1, into: h.baseAddress!, width: hiddenWidth)
                                for j in 0..<hiddenWidth where h[j] < 0 { h[j] = 0 }
                                affine(h.baseAddress!, count: hiddenWidth, weights: p + offsets.w2, bias: p + offsets.b2, into: z.baseAddress!, width: classes)
                            }
                            let label = Int(data.labels[row])
                            var best = 0
                            for k in 1..<classes where z[k] > z[best] { best = k }
                            if best == label { correct += 1 }
                            var sum = 0.0
                            let peak = Double(z[best])
                            for k in 0..<classes { sum += Foundation.exp(Double(z[k]) - peak) }
                            totalLoss += Foundation.log(sum) - (Double(z[label]) - peak)
                        }
                    }
                }
            }
        }
        return Evaluation(accuracy: Double(correct) / Double(data.count), loss: totalLoss / Double(data.count), count: data.count)
    }

    /// out[j] = bias[j] + Σ_i x[i]·W[i][j], i ascending, zero inputs skipped.
    private static func affine(_ x: UnsafePointer<Float>, count: Int, weights: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, width: Int) {
        out.update(from: bias, count: width)
        for i in 0..<count {
            let value = x[i]
            if value == 0 { continue }
            let row = weights + i * width
            for j in 0..<width { out[j] += value * row[j] }
        }
    }
}
