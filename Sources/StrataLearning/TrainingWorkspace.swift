import CBLAS
import Foundation

/// Buffers for one training call, allocated once and reused by every batch: the gathered batch,
/// hidden activations, logits (turned into δ = (softmax − one-hot)/rows in place) and the hidden δ.
final class TrainingWorkspace {
    let kind: ModelKind
    let capacity: Int
    private let inputs: Int
    private let hiddenWidth: Int
    private let classes: Int
    private let batch: UnsafeMutablePointer<Float>
    private let hidden: UnsafeMutablePointer<Float>
    private let logits: UnsafeMutablePointer<Float>
    private let hiddenDelta: UnsafeMutablePointer<Float>
    private let labels: UnsafeMutablePointer<Int>
    private let columnSums: UnsafeMutablePointer<Float>

    init(kind: ModelKind, batchSize: Int) {
        self.kind = kind
        capacity = max(batchSize, 1)
        inputs = kind.inputs
        classes = kind.classes
        if case let .mlp(_, width, _) = kind { hiddenWidth = width } else { hiddenWidth = 0 }
        batch = .allocate(capacity: capacity * inputs)
        hidden = .allocate(capacity: max(capacity * hiddenWidth, 1))
        logits = .allocate(capacity: capacity * classes)
        hiddenDelta = .allocate(capacity: max(capacity * hiddenWidth, 1))
        labels = .allocate(capacity: capacity)
        columnSums = .allocate(capacity: max(hiddenWidth, classes))
    }

    deinit {
        batch.deallocate(); hidden.deallocate(); logits.deallocate(); hiddenDelta.deallocate(); labels.deallocate()
        columnSums.deallocate()
    }

    /// Bytes this workspace holds (reported by the benchmark).
    var byteCount: Int { (capacity * (inputs + 2 * hiddenWidth + classes)) * 4 + capacity * 8 }

    /// Copies the rows at `indices` into the batch buffer.
    func gather(_ indices: ArraySlice<Int>, from features: UnsafePointer<Float>, labels source: [UInt8]) {
        var slot = 0
        for row in indices {
            (batch + slot * inputs).update(from: features + row * inputs, count: inputs)
            labels[slot] = Int(source[row])
            slot += 1
        }
    }

    /// One SGD step on the gathered `rows`; returns the batch's summed cross-entropy.
    func step(_ parameters: UnsafeMutablePointer<Float>, rows: Int, learningRate lr: Float) -> Double {
        let offsets = kind.offsets
        let m = Int32(rows), n = Int32(inputs), c = Int32(classes), h = Int32(hiddenWidth)
        switch kind {
        case .logisticRegression:
            let w = parameters + offsets.w1, b = parameters + offsets.b1
            broadcast(b, into: logits, rows: rows, width: classes)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, c, n, 1, batch, n, w, c, 1, logits, c)
            let loss = softmaxDelta(rows: rows)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, c, m, -lr, batch, n, logits, c, 1, w, c)
            subtractColumnSums(logits, rows: rows, width: classes, scale: lr, from: b)
            return loss
        case .mlp:
            let w1 = parameters + offsets.w1, b1 = parameters + offsets.b1
            let w2 = parameters + offsets.w2, b2 = parameters + offsets.b2
            broadcast(b1, into: hidden, rows: rows, width: hiddenWidth)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, h, n, 1, batch, n, w1, h, 1, hidden, h)
            for index in 0 ..< rows * hiddenWidth { hidden[index] = max(hidden[index], 0) }
            broadcast(b2, into: logits, rows: rows, width: classes)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, c, h, 1, hidden, h, w2, c, 1, logits, c)
            let loss = softmaxDelta(rows: rows)
            // δh = δ·W2ᵀ masked by ReLU, computed before W2 moves.
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, h, c, 1, logits, c, w2, c, 0, hiddenDelta, h)
            for index in 0 ..< rows * hiddenWidth { hiddenDelta[index] = hidden[index] > 0 ? hiddenDelta[index] : 0 }
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, h, c, m, -lr, hidden, h, logits, c, 1, w2, c)
            subtractColumnSums(logits, rows: rows, width: classes, scale: lr, from: b2)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, h, m, -lr, batch, n, hiddenDelta, h, 1, w1, h)
            subtractColumnSums(hiddenDelta, rows: rows, width: hiddenWidth, scale: lr, from: b1)
            return loss
        }
    }

    /// Softmax of each logits row, cross-entropy summed, then δ = (p − one-hot) / rows in place.
    private func softmaxDelta(rows: Int) -> Double {
        var loss = 0.0
        let scale = 1 / Float(rows)
        for row in 0..<rows {
            let z = logits + row * classes
            var peak = z[0]
            for k in 1..<classes where z[k] > peak { peak = z[k] }
            let label = labels[row]
            let margin = z[label] - peak
            var total: Float = 0
            for k in 0..<classes {
                z[k] = expf(z[k] - peak)
                total += z[k]
            }
            loss += Double(logf(total)) - Double(margin)
            let inverse = scale / total
            for k in 0..<classes { z[k] *= inverse }
            z[label] -= scale
        }
        return loss
    }

    private func broadcast(_ bias: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows { (target + row * width).update(from: bias, count: width) }
    }

    /// bias −= scale · Σ_rows delta, summed row by row into `columnSums` (contiguous, vectorisable).
    private func subtractColumnSums(_ delta: UnsafePointer<Float>, rows: Int, width: Int, scale: Float, from bias: UnsafeMutablePointer<Float>) {
        columnSums.update(from: delta, count: width)
        for row in 1..<max(rows, 1) {
            let line = delta + row * width
            for k in 0..<width { columnSums[k] += line[k] }
        }
        for k in 0..<width { bias[k] -= scale * columnSums[k] }
    }
}
