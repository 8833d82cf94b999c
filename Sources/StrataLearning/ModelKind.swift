/// The model architectures, each with one flat Float32 parameter layout that also travels on the
/// wire (proto-schemas/SPEC.md §9.6 ModelParameters: `layout`, `count`, little-endian f32).
///
/// Layout `logreg-<in>-<classes>` (multinomial logistic regression), row-major:
/// `W[in][classes]` then `b[classes]`; logits = x·W + b. For 784-10: 7,850 values.
///
/// Layout `mlp-<in>-<hidden>-<classes>` (one ReLU hidden layer), row-major:
/// `W1[in][hidden]`, `b1[hidden]`, `W2[hidden][classes]`, `b2[classes]`;
/// logits = relu(x·W1 + b1)·W2 + b2. For 784-128-10: 101,770 values.
public enum ModelKind: Sendable, Hashable, CustomStringConvertible {
    case logisticRegression(inputs: Int, classes: Int)
    case mlp(inputs: Int, hidden: Int, classes: Int)

    public static let logreg784 = ModelKind.logisticRegression(inputs: 784, classes: 10)
    public static let mlp784 = ModelKind.mlp(inputs: 784, hidden: 128, classes: 10)

    /// The layout name of SPEC.md §9.6, e.g. `logreg-784-10` or `mlp-784-128-10`.
    public var layout: String {
        switch self {
        case let .logisticRegression(inputs, classes): "logreg-\(inputs)-\(classes)"
        case let .mlp(inputs, hidden, classes): "mlp-\(inputs)-\(hidden)-\(classes)"
        }
    }

    public var description: String { layout }

    /// Parses a layout name; nil when it names no known architecture.
    public init?(layout: String) {
        let parts = layout.split(separator: "-", omittingEmptySubsequences: false)
        let sizes = parts.dropFirst().compactMap { Int($0) }.filter { $0 > 0 && $0 <= 1 << 20 }
        guard sizes.count == parts.count - 1 else { return nil }
        switch (parts.first, sizes.count) {
        case ("logreg", 2) where sizes[1] > 1: self = .logisticRegression(inputs: sizes[0], classes: sizes[1])
        case ("mlp", 3) where sizes[2] > 1: self = .mlp(inputs: sizes[0], hidden: sizes[1], classes: sizes[2])
        default: return nil
        }
    }

    public var inputs: Int {
        switch self { case let .logisticRegression(inputs, _), let .mlp(inputs, _, _): inputs }
    }

    public var classes: Int {
        switch self { case let .logisticRegression(_, classes), let .mlp(_, _, classes): classes }
    }

    public var parameterCount: Int {
        switch self {
        case let .logisticRegression(inputs, classes): inputs * classes + classes
        case let .mlp(inputs, hidden, classes): inputs * hidden + hidden + hidden * classes + classes
        }
    }

    /// Where each block starts in the flat buffer.
    struct Offsets {
        var w1 = 0, b1 = 0, w2 = 0, b2 = 0
    }

    var offsets: Offsets {
        switch self {
        case let .logisticRegression(inputs, classes):
            Offsets(w1: 0, b1: inputs * classes)
        case let .mlp(inputs, hidden, classes):
            Offsets(w1: 0, b1: inputs * hidden, w2: inputs * hidden + hidden, b2: inputs * hidden + hidden + hidden * classes)
        }
    }
}
