import Foundation

/// How a training set is shared out among devices.
public enum PartitionScheme: Sendable, Hashable, CustomStringConvertible {
    /// Shuffled, then dealt in contiguous runs whose sizes differ by at most one.
    case iid
    /// Label skew: for each class, device shares drawn from Dirichlet(α) (Hsu et al. 2019);
    /// small α gives each device few classes, large α approaches IID.
    case dirichlet(alpha: Double)
    /// Pathological non-IID: each device holds `k` classes; a class's rows are split evenly among
    /// the devices that hold it (McMahan et al. 2017 style).
    case classesPerDevice(Int)
    /// IID content, unequal sizes: device shares drawn log-normal(0, σ) and normalised.
    case unequalSizes(sigma: Double)

    public var description: String {
        switch self {
        case .iid: "iid"
        case let .dirichlet(alpha): "dirichlet:\(alpha)"
        case let .classesPerDevice(k): "classes:\(k)"
        case let .unequalSizes(sigma): "unequal:\(sigma)"
        }
    }

    /// Parses `iid`, `dirichlet:0.5`, `classes:2`, `unequal:1.0`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let value = parts.count == 2 ? Double(parts[1]) : nil
        switch (parts.first ?? "", parts.count) {
        case ("iid", 1): self = .iid
        case ("dirichlet", 2) where value.map({ $0 > 0 && $0.isFinite }) ?? false: self = .dirichlet(alpha: value!)
        case ("classes", 2) where Int(parts[1]).map({ $0 > 0 }) ?? false: self = .classesPerDevice(Int(parts[1])!)
        case ("unequal", 2) where value.map({ $0 >= 0 && $0.isFinite }) ?? false: self = .unequalSizes(sigma: value!)
        default:
            throw LearningError(.invalidArgument, "partition \"\(text)\" is not one of iid, dirichlet:<α > 0>, classes:<k ≥ 1>, unequal:<σ ≥ 0>")
        }
    }
}

/// Row indices per device: `shards[d]` are the rows of the training set device `d` holds.
/// Deterministic for a given scheme, labels, device count and seed; every device gets ≥ 1 row.
public struct Partition: Sendable, Hashable {
    public let shards: [[Int]]

    public init(_ scheme: PartitionScheme, labels: [UInt8], classCount: Int, devices: Int, seed: UInt64) throws {
        guard devices >= 1, devices <= labels.count else {
            throw LearningError(.invalidArgument, "cannot share \(labels.count) rows among \(devices) devices")
        }
        var generator = SeededGenerator(seed: seed)
        var shards: [[Int]]
        switch scheme {
        case .iid:
            shards = Self.split(generator.permutation(labels.count), shares: [Double](repeating: 1, count: devices))
        case let .unequalSizes(sigma):
            guard sigma >= 0, sigma.isFinite else { throw LearningError(.invalidArgument, "unequal sizes need σ ≥ 0") }
            let shares = (0..<devices).map { _ in Foundation.exp(sigma * generator.normal()) }
            shards = Self.split(generator.permutation(labels.count), shares: shares)
        case let .dirichlet(alpha):
            guard alpha > 0, alpha.isFinite else { throw LearningError(.invalidArgument, "Dirichlet α must be > 0, got \(alpha)") }
            shards = [[Int]](repeating: [], count: devices)
            for rows in Self.rowsByClass(labels, classCount: classCount, generator: &generator) {
                let draws = (0..<devices).map { _ in generator.gamma(shape: alpha) }
                for (device, part) in Self.split(rows, shares: draws).enumerated() { shards[device] += part }
            }
        case let .classesPerDevice(k):
            guard k >= 1, k <= classCount else {
                throw LearningError(.invalidArgument, "classes per device must be in 1…\(classCount), got \(k)")
            }
            let classOrder = generator.permutation(classCount)
            var holders = [[Int]](repeating: [], count: classCount)
            for device in 0..<devices {
                for slot in 0..<k { holders[classOrder[(device * k + slot) % classCount]].append(device) }
            }
            shards = [[Int]](repeating: [], count: devices)
            for (label, rows) in Self.rowsByClass(labels, classCount: classCount, generator: &generator).enumerated()
            where !holders[label].isEmpty {
                let parts = Self.split(rows, shares: [Double](repeating: 1, count: holders[label].count))
                for (slot, device) in holders[label].enumerated() { shards[device] += parts[slot] }
            }
        }
        Self.fillEmpty(&shards)
        self.shards = shards
    }

    /// Each class's rows, shuffled.
    private static func rowsByClass(_ labels: [UInt8], classCount: Int, generator: inout SeededGenerator) -> [[Int]] {
        var rows = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() { rows[Int(label)].append(index) }
        for label in 0..<classCount { generator.shuffle(&rows[label]) }
        return rows
    }

    /// Contiguous runs of `rows` in proportion to `shares` (largest-remainder rounding, ties to the
    /// lower device index), so the sizes add up exactly.
    static func split(_ rows: [Int], shares: [Double]) -> [[Int]] {
        let total = shares.reduce(0, +)
        let exact = shares.map { total > 0 ? $0 / total * Double(rows.count) : Double(rows.count) / Double(shares.count) }
        var sizes = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(sizes[$0]), $1) > (exact[$1] - Double(sizes[$1]), $0) }
        for device in order.prefix(rows.count - sizes.reduce(0, +)) { sizes[device] += 1 }
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return Array(rows[start ..< start + size])
        }
    }

    /// A device left with no rows takes the last row of the currently largest shard.
    private static func fillEmpty(_ shards: inout [[Int]]) {
        for device in shards.indices where shards[device].isEmpty {
            let donor = shards.indices.max { (shards[$0].count, $1) < (shards[$1].count, $0) }!
            shards[device].append(shards[donor].removeLast())
        }
    }
}
