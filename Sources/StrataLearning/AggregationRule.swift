/// How the updates of a round become the next global model.
///
/// Every rule is a pure function of the updates in the order given (see `Aggregator`).
public enum AggregationRule: Sendable, Hashable, CustomStringConvertible {
    /// FedAvg (McMahan et al. 2017, Alg. 1): mean weighted by each update's `sampleCount`.
    case fedAvg
    /// FedAvg weighted by `sampleCount × weight` with externally supplied weights (reputation,
    /// as in the paper's reputation-based aggregation); every update needs a `weight` ≥ 0, not all 0.
    case weightedFedAvg
    /// Coordinate-wise median (Yin et al. 2018); an even count takes the mean of the two middle values.
    case median
    /// Coordinate-wise trimmed mean (Yin et al. 2018): drop the ⌊β·n⌋ largest and ⌊β·n⌋ smallest
    /// values of each coordinate, average the rest; needs 0 ≤ β < 0.5 (n − 2⌊β·n⌋ ≥ 1 then holds).
    case trimmedMean(beta: Double)
    /// Krum (Blanchard et al. 2017): the update whose summed squared distance to its n − f − 2
    /// nearest neighbours is smallest; needs n > 2f + 2.
    case krum(f: Int)
    /// Multi-Krum (Blanchard et al. 2017, §4): the `m` updates with the lowest Krum scores, then
    /// FedAvg over them (weighted by sample counts); needs n > 2f + 2 and 1 ≤ m ≤ n.
    /// `m` nil keeps n − f updates.
    case multiKrum(f: Int, m: Int?)

    public var description: String {
        switch self {
        case .fedAvg: "fedavg"
        case .weightedFedAvg: "weighted"
        case .median: "median"
        case let .trimmedMean(beta): "trimmed:\(beta)"
        case let .krum(f): "krum:\(f)"
        case let .multiKrum(f, m): m.map { "multikrum:\(f):\($0)" } ?? "multikrum:\(f)"
        }
    }

    /// Parses `fedavg`, `weighted`, `median`, `trimmed[:β]` (default β = 0.2), `krum[:f]` and
    /// `multikrum[:f[:m]]`. Without `f`, Krum uses `defaultF` (the caller's count of suspected
    /// attackers); without `m`, Multi-Krum keeps n − f.
    public init(parsing text: String, defaultF: Int) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let numbers = parts.dropFirst()
        func fail() -> LearningError {
            LearningError(.invalidArgument, "rule \"\(text)\" is not one of fedavg, weighted, median, trimmed[:β], krum[:f], multikrum[:f[:m]]")
        }
        switch parts[0] {
        case "fedavg" where numbers.isEmpty: self = .fedAvg
        case "weighted" where numbers.isEmpty: self = .weightedFedAvg
        case "median" where numbers.isEmpty: self = .median
        case "trimmed" where numbers.count <= 1:
            guard let beta = numbers.first.map(Double.init) ?? 0.2, beta >= 0, beta < 0.5 else {
                throw LearningError(.invalidArgument, "trimmed mean needs 0 ≤ β < 0.5 (\"\(text)\")")
            }
            self = .trimmedMean(beta: beta)
        case "krum" where numbers.count <= 1:
            guard let f = numbers.first.map({ Int($0) }) ?? defaultF, f >= 0 else { throw fail() }
            self = .krum(f: f)
        case "multikrum" where numbers.count <= 2:
            let values = numbers.map { Int($0) }
            guard values.allSatisfy({ ($0 ?? -1) >= 0 }), values.count < 2 || values[1]! >= 1 else { throw fail() }
            self = .multiKrum(f: values.first.flatMap { $0 } ?? defaultF, m: values.count == 2 ? values[1] : nil)
        default: throw fail()
        }
    }
}
