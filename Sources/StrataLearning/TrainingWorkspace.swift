import CBLAS
import CStrataKernels
import Foundation

/// Buffers for one training call, allocated once and reused by every batch: the gathered batch,
/// hidden activations, logits (turned into δ = (softmax − one-hot)/rows in place), the hidden δ
/// and, for the SIMD kernel, W2ᵀ.
///
/// Each product of the step goes through `dense` or `denseUpdate`, which run it on the chosen
/// `TrainingKernel`: Strata's AVX-512 kernels or OpenBLAS `cblas_sgemm`.
final class TrainingWorkspace {
    let kind: ModelKind
    let kernel: TrainingKernel
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
    private let transposedW2: UnsafeMutablePointer<Float>

    init(kind: ModelKind, batchSize: Int, kernel: TrainingKernel) {
        self.kind = kind
        self.kernel = kernel
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
        transposedW2 = .allocate(capacity: max(hiddenWidth * classes, 1))
    }

    deinit {
        batch.deallocate(); hidden.deallocate(); logits.deallocate(); hiddenDelta.deallocate(); labels.deallocate()
        columnSums.deallocate(); transposedW2.deallocate()
    }

    /// Bytes this workspace holds (reported by the benchmark).
    var byteCount: Int { (capacity * (inputs + 2 * hiddenWidth + classes) + hiddenWidth * classes) * 4 + capacity * 8 }

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
        switch kind {
        case .logisticRegression:
            let w = parameters + offsets.w1, b = parameters + offsets.b1
            dense(batch, rows: rows, inputs: inputs, w, b, outputs: classes, relu: false, into: logits)
            let loss = softmaxDelta(rows: rows)
            denseUpdate(batch, rows: rows, inputs: inputs, delta: logits, outputs: classes, learningRate: lr, w)
            subtractColumnSums(logits, rows: rows, width: classes, scale: lr, from: b)
            return loss
        case .mlp:
            let w1 = parameters + offsets.w1, b1 = parameters + offsets.b1
            let w2 = parameters + offsets.w2, b2 = parameters + offsets.b2
            dense(batch, rows: rows, inputs: inputs, w1, b1, outputs: hiddenWidth, relu: true, into: hidden)
            dense(hidden, rows: rows, inputs: hiddenWidth, w2, b2, outputs: classes, relu: false, into: logits)
            let loss = softmaxDelta(rows: rows)
            // δh = δ·W2ᵀ masked by ReLU, computed before W2 moves.
            backpropagate(rows: rows, through: w2)
            for index in 0 ..< rows * hiddenWidth { hiddenDelta[index] = hidden[index] > 0 ? hiddenDelta[index] : 0 }
            denseUpdate(hidden, rows: rows, inputs: hiddenWidth, delta: logits, outputs: classes, learningRate: lr, w2)
            subtractColumnSums(logits, rows: rows, width: classes, scale: lr, from: b2)
            denseUpdate(batch, rows: rows, inputs: inputs, delta: hiddenDelta, outputs: hiddenWidth, learningRate: lr, w1)
            subtractColumnSums(hiddenDelta, rows: rows, width: hiddenWidth, scale: lr, from: b1)
            return loss
        }
    }

    /// out = x·W + b (rows × outputs), then max(·, 0) if `relu`.
    private func dense(_ x: UnsafePointer<Float>, rows: Int, inputs k: Int, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       outputs n: Int, relu: Bool, into out: UnsafeMutablePointer<Float>) {
        switch kernel {
        case .simd:
            strata_dense_forward(x, Int32(rows), Int32(k), w, Int32(n), b, relu ? 1 : 0, out)
        case .blas:
            broadcast(b, into: out, rows: rows, width: n)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(n), Int32(k), 1, x, Int32(k), w, Int32(n), 1, out, Int32(n))
            if relu { for index in 0 ..< rows * n { out[index] = max(out[index], 0) } }
        }
    }

    /// The fused SGD step of a layer: W −= lr·xᵀ·δ (x is rows × inputs, δ is rows × outputs).
    private func denseUpdate(_ x: UnsafePointer<Float>, rows: Int, inputs k: Int, delta: UnsafePointer<Float>, outputs n: Int,
                             learningRate lr: Float, _ w: UnsafeMutablePointer<Float>) {
        switch kernel {
        case .simd:
            strata_dense_update(x, Int32(rows), Int32(k), delta, Int32(n), lr, w)
        case .blas:
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(n), Int32(rows), -lr, x, Int32(k), delta, Int32(n), 1, w, Int32(n))
        }
    }

    /// hiddenDelta = δ·W2ᵀ (rows × hidden). The SIMD kernel multiplies by a transposed copy of W2.
    private func backpropagate(rows: Int, through w2: UnsafePointer<Float>) {
        let h = hiddenWidth, c = classes
        switch kernel {
        case .simd:
            for unit in 0..<h {
                for k in 0..<c { transposedW2[k * h + unit] = w2[unit * c + k] }
            }
            strata_dense_forward(logits, Int32(rows), Int32(c), transposedW2, Int32(h), nil, 0, hiddenDelta)
        case .blas:
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(h), Int32(c), 1, logits, Int32(c), w2, Int32(c), 0, hiddenDelta, Int32(h))
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
