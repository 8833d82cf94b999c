/// Aggregates a round's updates into the next global parameters (`AggregationRule`).
///
/// Determinism: every reduction runs on one thread in a fixed order — over updates in the order
/// given, coordinate by coordinate, accumulated in Double and rounded to Float once; order
/// statistics sort by IEEE 754 total order (−0 before +0) with a written-out insertion sort; ties
/// between Krum scores go to the lower index. No BLAS. So every MEC that aggregates the same
/// updates in the same order gets the same bytes.
public func aggregate(_ rule: AggregationRule, _ updates: [ModelUpdate]) throws -> [Float] {
    try Aggregator.aggregate(rule, updates)
}

public enum Aggregator {
    public static func aggregate(_ rule: AggregationRule, _ updates: [ModelUpdate]) throws -> [Float] {
        try validate(updates)
        switch rule {
        case .fedAvg:
            return weightedMean(updates, weights: updates.map { Double($0.sampleCount) })
        case .weightedFedAvg:
            var weights: [Double] = []
            for (index, update) in updates.enumerated() {
                guard let weight = update.weight, weight.isFinite, weight >= 0 else {
                    throw LearningError(.precondition, "weighted FedAvg: update \(index) has no finite weight ≥ 0")
                }
                weights.append(Double(update.sampleCount) * weight)
            }
            guard weights.contains(where: { $0 > 0 }) else {
                throw LearningError(.precondition, "weighted FedAvg: all weights are 0")
            }
            return weightedMean(updates, weights: weights)
        case .median:
            return coordinateWise(updates) { sorted in
                let n = sorted.count
                return n % 2 == 1 ? sorted[n / 2] : Float((Double(sorted[n / 2 - 1]) + Double(sorted[n / 2])) / 2)
            }
        case let .trimmedMean(beta):
            guard beta >= 0, beta < 0.5 else {
                throw LearningError(.precondition, "trimmed mean needs 0 ≤ β < 0.5, got \(beta)")
            }
            let trim = Int((beta * Double(updates.count)).rounded(.down))
            return coordinateWise(updates) { sorted in
                var sum = 0.0
                for index in trim ..< sorted.count - trim { sum += Double(sorted[index]) }
                return Float(sum / Double(sorted.count - 2 * trim))
            }
        case let .krum(f):
            let scores = try krumScores(updates, f: f)
            return updates[ranked(scores)[0]].parameters
        case let .multiKrum(f, m):
            let scores = try krumScores(updates, f: f)
            let keep = m ?? updates.count - f
            guard keep >= 1, keep <= updates.count else {
                throw LearningError(.precondition, "Multi-Krum needs 1 ≤ m ≤ n = \(updates.count), got m = \(keep)")
            }
            let chosen = ranked(scores).prefix(keep).sorted().map { updates[$0] }
            return weightedMean(chosen, weights: chosen.map { Double($0.sampleCount) })
        }
    }

    /// Krum score of each update: the sum of its n − f − 2 smallest squared distances to the others
    /// (Blanchard et al. 2017). Needs n > 2f + 2.
    public static func krumScores(_ updates: [ModelUpdate], f: Int) throws -> [Double] {
        try validate(updates)
        let n = updates.count
        guard f >= 0, n > 2 * f + 2 else {
            throw LearningError(.precondition, "Krum needs n > 2f + 2: n = \(n), f = \(f) (at most f = \(max((n - 3) / 2, 0)) for n = \(n); n ≥ \(2 * f + 3) for f = \(f))")
        }
        let distances = squaredDistances(updates)
        return (0..<n).map { i in
            var others = (0..<n).filter { $0 != i }.map { distances[i][$0] }
            insertionSort(&others, by: <)
            var sum = 0.0
            for value in others.prefix(n - f - 2) { sum += value }
            return sum
        }
    }

    /// Squared Euclidean distance between every pair, each summed in Double over coordinates in order.
    public static func squaredDistances(_ updates: [ModelUpdate]) -> [[Double]] {
        let n = updates.count
        var distances = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in i + 1 ..< n {
                var sum = 0.0
                updates[i].parameters.withUnsafeBufferPointer { a in
                    updates[j].parameters.withUnsafeBufferPointer { b in
                        for k in 0..<a.count {
                            let d = Double(a[k]) - Double(b[k])
                            sum += d * d
                        }
                    }
                }
                distances[i][j] = sum
                distances[j][i] = sum
            }
        }
        return distances
    }

    /// Indices by ascending score, ties to the lower index.
    static func ranked(_ scores: [Double]) -> [Int] {
        var order = Array(scores.indices)
        insertionSort(&order) { (scores[$0], $0) < (scores[$1], $1) }
        return order
    }

    static func validate(_ updates: [ModelUpdate]) throws {
        guard let first = updates.first else { throw LearningError(.precondition, "no updates to aggregate") }
        for (index, update) in updates.enumerated() {
            guard update.parameters.count == first.parameters.count, !update.parameters.isEmpty else {
                throw LearningError(.shapeMismatch, "update \(index) has \(update.parameters.count) parameters, update 0 has \(first.parameters.count)")
            }
            guard update.sampleCount >= 1 else {
                throw LearningError(.precondition, "update \(index) reports \(update.sampleCount) samples; at least 1 is needed")
            }
            try FiniteCheck.require(update.parameters, what: "update \(index)")
        }
    }

    private static func weightedMean(_ updates: [ModelUpdate], weights: [Double]) -> [Float] {
        let total = weights.reduce(0, +)
        var sums = [Double](repeating: 0, count: updates[0].parameters.count)
        sums.withUnsafeMutableBufferPointer { sums in
            for (update, weight) in zip(updates, weights) {
                update.parameters.withUnsafeBufferPointer { values in
                    for k in 0..<values.count { sums[k] += weight * Double(values[k]) }
                }
            }
        }
        return sums.map { Float($0 / total) }
    }

    /// Applies `reduce` to each coordinate's values sorted by IEEE 754 total order.
    private static func coordinateWise(_ updates: [ModelUpdate], _ reduce: ([Float]) -> Float) -> [Float] {
        let count = updates[0].parameters.count
        var column = [Float](repeating: 0, count: updates.count)
        var result = [Float](repeating: 0, count: count)
        for k in 0..<count {
            for (index, update) in updates.enumerated() { column[index] = update.parameters[k] }
            insertionSort(&column) { !$1.isTotallyOrdered(belowOrEqualTo: $0) }
            result[k] = reduce(column)
        }
        return result
    }

    /// A stable insertion sort, written out so the order never depends on the standard library.
    static func insertionSort<T>(_ values: inout [T], by less: (T, T) -> Bool) {
        guard values.count > 1 else { return }
        for i in 1..<values.count {
            let item = values[i]
            var j = i - 1
            while j >= 0, less(item, values[j]) {
                values[j + 1] = values[j]
                j -= 1
            }
            values[j + 1] = item
        }
    }
}
