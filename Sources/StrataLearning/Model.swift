/// A model: its architecture and its parameters as one flat Float32 buffer in the layout that
/// `ModelKind` documents.
public struct Model: Sendable, Hashable {
    public let kind: ModelKind
    public var parameters: [Float]

    public init(kind: ModelKind, parameters: [Float]) throws {
        guard parameters.count == kind.parameterCount else {
            throw LearningError(.shapeMismatch, "\(kind.layout) has \(kind.parameterCount) parameters, got \(parameters.count)")
        }
        self.kind = kind
        self.parameters = parameters
    }

    /// Seeded initialisation, PyTorch's default for `nn.Linear` (what the Flower reference used):
    /// every weight and bias of a layer uniform in ±1/√fan_in. Drawn layer by layer, in layout order.
    public static func initialized(_ kind: ModelKind, seed: UInt64) -> Model {
        var generator = SeededGenerator(seed: seed)
        var parameters = [Float](repeating: 0, count: kind.parameterCount)
        func fill(_ range: Range<Int>, limit: Double) {
            for index in range { parameters[index] = Float((2 * generator.uniform() - 1) * limit) }
        }
        let offsets = kind.offsets
        switch kind {
        case let .logisticRegression(inputs, _):
            fill(0 ..< kind.parameterCount, limit: 1 / Double(inputs).squareRoot())
        case let .mlp(inputs, hidden, _):
            fill(0 ..< offsets.w2, limit: 1 / Double(inputs).squareRoot())
            fill(offsets.w2 ..< kind.parameterCount, limit: 1 / Double(hidden).squareRoot())
        }
        return Model(trusted: kind, parameters)
    }

    /// The wire bytes: each value little-endian IEEE 754 binary32 (SPEC.md §9.6 `f32le`).
    public var littleEndianBytes: [UInt8] { ParameterBytes.encode(parameters) }

    /// Reads wire bytes back; the byte count must be exactly 4 × the layout's parameter count.
    public init(kind: ModelKind, littleEndianBytes bytes: [UInt8]) throws {
        guard bytes.count == kind.parameterCount * 4 else {
            throw LearningError(.shapeMismatch, "\(kind.layout) needs \(kind.parameterCount * 4) bytes, got \(bytes.count)")
        }
        try self.init(kind: kind, parameters: ParameterBytes.decode(bytes))
    }

    init(trusted kind: ModelKind, _ parameters: [Float]) {
        self.kind = kind
        self.parameters = parameters
    }
}

/// Float32 vectors to and from little-endian bytes, independent of the host's byte order.
public enum ParameterBytes {
    public static func encode(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        for (index, value) in values.enumerated() {
            let bits = value.bitPattern
            bytes[4 * index] = UInt8(truncatingIfNeeded: bits)
            bytes[4 * index + 1] = UInt8(truncatingIfNeeded: bits >> 8)
            bytes[4 * index + 2] = UInt8(truncatingIfNeeded: bits >> 16)
            bytes[4 * index + 3] = UInt8(truncatingIfNeeded: bits >> 24)
        }
        return bytes
    }

    /// Decodes `bytes.count / 4` values; the caller checks the count is a multiple of 4.
    public static func decode(_ bytes: [UInt8]) -> [Float] {
        (0 ..< bytes.count / 4).map { index in
            let at = 4 * index
            let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}
