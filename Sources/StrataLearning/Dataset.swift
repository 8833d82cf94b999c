/// Labelled examples in memory: features row-major (`count × featureCount`, pixels scaled to
/// [0, 1] by dividing by 255) and one class label per row.
public struct Dataset: Sendable, Hashable {
    public let featureCount: Int
    public let classCount: Int
    public private(set) var features: [Float]
    public private(set) var labels: [UInt8]

    public var count: Int { labels.count }

    public init(features: [Float], labels: [UInt8], featureCount: Int, classCount: Int) throws {
        guard featureCount > 0, classCount > 1 else {
            throw LearningError(.invalidArgument, "a dataset needs ≥ 1 feature and ≥ 2 classes")
        }
        guard features.count == labels.count * featureCount else {
            throw LearningError(.shapeMismatch, "\(features.count) feature values do not make \(labels.count) rows of \(featureCount)")
        }
        if let bad = labels.first(where: { Int($0) >= classCount }) {
            throw LearningError(.invalidArgument, "label \(bad) is outside 0..<\(classCount)")
        }
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classCount = classCount
    }

    /// Images as bytes (0…255) → features divided by 255.
    public init(pixels: [UInt8], labels: [UInt8], featureCount: Int, classCount: Int) throws {
        try self.init(features: pixels.map { Float($0) / 255 }, labels: labels,
                      featureCount: featureCount, classCount: classCount)
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: some Collection<Int>) -> Dataset {
        var features: [Float] = []
        features.reserveCapacity(indices.count * featureCount)
        var labels: [UInt8] = []
        labels.reserveCapacity(indices.count)
        for index in indices {
            features.append(contentsOf: self.features[index * featureCount ..< (index + 1) * featureCount])
            labels.append(self.labels[index])
        }
        return Dataset(trusted: features, labels: labels, featureCount: featureCount, classCount: classCount)
    }

    /// The same rows with each label replaced by `relabel(label)`; a label outside the classes is refused.
    public func relabeled(_ relabel: (UInt8) -> UInt8) throws -> Dataset {
        let labels = labels.map(relabel)
        if let bad = labels.first(where: { Int($0) >= classCount }) {
            throw LearningError(.invalidArgument, "relabelling produced label \(bad), outside 0..<\(classCount)")
        }
        return Dataset(trusted: features, labels: labels, featureCount: featureCount, classCount: classCount)
    }

    /// `relabeled` for maps known to stay inside the classes (the label-flipping attacks).
    func relabeledWithinClasses(_ relabel: (UInt8) -> UInt8) -> Dataset {
        Dataset(trusted: features, labels: labels.map(relabel), featureCount: featureCount, classCount: classCount)
    }

    /// How many rows carry each class.
    public var classHistogram: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    private init(trusted features: [Float], labels: [UInt8], featureCount: Int, classCount: Int) {
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classCount = classCount
    }
}
