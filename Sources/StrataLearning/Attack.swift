/// A misbehaving device, configured per device. Data attacks change what the device trains on;
/// update attacks change what it sends, as a function of Δ = local − global.
public enum Attack: Sendable, Hashable, CustomStringConvertible {
    /// Data poisoning: every label y becomes (classes − 1 − y), i.e. 9 − y for digits.
    /// Models a device whose data is systematically mislabelled (Tolpegin et al. 2020).
    case labelFlip
    /// Targeted data poisoning: label `source` becomes `target`, others stay.
    /// Models an attacker who wants one class misread as another (e.g. 7 read as 1).
    case labelFlipTargeted(source: UInt8, target: UInt8)
    /// Sends local + N(0, σ²) per coordinate. Models a noisy or faulty device, or a
    /// privacy mechanism pushed too far.
    case gaussianNoise(sigma: Float)
    /// Sends global − s·Δ: the opposite direction, amplified by s. Models a Byzantine device
    /// steering the model away from the optimum.
    case signFlip(scale: Float)
    /// Sends global + s·Δ. Models model replacement / boosting (Bagdasaryan et al. 2020).
    case scaling(factor: Float)
    /// Sends the global model unchanged (no work) while claiming its full sample count.
    /// Models a lazy device that collects the reward without training.
    case lazyUnchanged
    /// Trains on only the first `rows` of its data but claims the full count. Models a device that
    /// cuts its computation (and energy) short.
    case lazySubset(rows: Int)
    /// Sends global + N(0, σ²): a small random update, no training. Models a free-rider that
    /// mimics a plausible update (Lin et al. 2019).
    case freeRider(sigma: Float)

    public var description: String {
        switch self {
        case .labelFlip: "labelflip"
        case let .labelFlipTargeted(source, target): "labelflip=\(source)>\(target)"
        case let .gaussianNoise(sigma): "noise=\(sigma)"
        case let .signFlip(scale): "signflip=\(scale)"
        case let .scaling(factor): "scale=\(factor)"
        case .lazyUnchanged: "lazy"
        case let .lazySubset(rows): "lazy=\(rows)"
        case let .freeRider(sigma): "freerider=\(sigma)"
        }
    }

    /// Parses `labelflip`, `labelflip=3>8`, `noise=σ`, `signflip[=s]`, `scale=s`, `lazy`,
    /// `lazy=rows`, `freerider[=σ]`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let argument = parts.count == 2 ? parts[1] : nil
        func number(_ fallback: Float?) throws -> Float {
            guard let value = argument.map({ Float($0) }) ?? fallback, value.isFinite, value >= 0 else {
                throw LearningError(.invalidArgument, "attack \"\(text)\" needs a number ≥ 0 after =")
            }
            return value
        }
        switch parts[0] {
        case "labelflip" where argument == nil: self = .labelFlip
        case "labelflip":
            let pair = argument!.split(separator: ">").compactMap { UInt8($0) }
            guard pair.count == 2, pair[0] <= 9, pair[1] <= 9 else {
                throw LearningError(.invalidArgument, "attack \"\(text)\": write labelflip=SOURCE>TARGET with digits 0…9")
            }
            self = .labelFlipTargeted(source: pair[0], target: pair[1])
        case "noise": self = .gaussianNoise(sigma: try number(nil))
        case "signflip": self = .signFlip(scale: try number(1))
        case "scale": self = .scaling(factor: try number(nil))
        case "lazy" where argument == nil: self = .lazyUnchanged
        case "lazy":
            guard let rows = Int(argument!), rows >= 1 else {
                throw LearningError(.invalidArgument, "attack \"\(text)\": lazy=ROWS needs ROWS ≥ 1")
            }
            self = .lazySubset(rows: rows)
        case "freerider": self = .freeRider(sigma: try number(0.001))
        default:
            throw LearningError(.invalidArgument, "attack \"\(text)\" is not one of labelflip, labelflip=S>T, noise=σ, signflip[=s], scale=s, lazy, lazy=ROWS, freerider[=σ]")
        }
    }

    /// The device's data as the attacker trains on it.
    public func poisoned(_ data: Dataset) -> Dataset {
        switch self {
        case .labelFlip:
            let top = UInt8(data.classCount - 1)
            return data.relabeledWithinClasses { top - $0 }
        case let .labelFlipTargeted(source, target):
            guard Int(max(source, target)) < data.classCount else { return data }
            return data.relabeledWithinClasses { $0 == source ? target : $0 }
        case let .lazySubset(rows):
            return data.subset(0 ..< min(rows, data.count))
        default:
            return data
        }
    }

    /// Whether the device trains at all.
    public var trains: Bool {
        switch self {
        case .lazyUnchanged, .freeRider: false
        default: true
        }
    }

    /// What the device sends, given the global parameters and its honest local result (equal to
    /// the global when it did not train); `generator` draws the noise.
    public func tampered(global: [Float], local: [Float], generator: inout SeededGenerator) -> [Float] {
        switch self {
        case .labelFlip, .labelFlipTargeted, .lazySubset:
            return local
        case .lazyUnchanged:
            return global
        case let .gaussianNoise(sigma):
            return local.map { $0 + sigma * Float(generator.normal()) }
        case let .freeRider(sigma):
            return global.map { $0 + sigma * Float(generator.normal()) }
        case let .signFlip(scale):
            return zip(global, local).map { g, l in g - scale * (l - g) }
        case let .scaling(factor):
            return zip(global, local).map { g, l in g + factor * (l - g) }
        }
    }
}

/// Which devices attack, and how: a share of the devices chosen by seed.
public struct AttackPlan: Sendable, Hashable, CustomStringConvertible {
    public var attack: Attack
    /// Share of devices that attack (0…1); ⌊fraction · devices⌋ of them, chosen by seed.
    public var fraction: Double

    public init(attack: Attack, fraction: Double) throws {
        guard fraction >= 0, fraction <= 1 else {
            throw LearningError(.invalidArgument, "attacker fraction must be in 0…1, got \(fraction)")
        }
        self.attack = attack
        self.fraction = fraction
    }

    /// Parses `ATTACK:FRACTION`, e.g. `labelflip:0.3`, `noise=0.5:0.2`; the fraction defaults to 0.3.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let fraction = parts.count == 2 ? Double(parts[1]) : 0.3 else {
            throw LearningError(.invalidArgument, "attack \"\(text)\": write ATTACK[:FRACTION], e.g. labelflip:0.3")
        }
        try self.init(attack: Attack(parsing: parts[0]), fraction: fraction)
    }

    public var description: String { "\(attack):\(fraction)" }

    /// The attacking devices among `devices`, by a seeded permutation.
    public func attackers(devices: Int, seed: UInt64) -> Set<Int> {
        var generator = SeededGenerator(seed: seed, stream: 0xA77AC4)
        let count = Int((fraction * Double(devices) + 1e-9).rounded(.down))
        return Set(generator.permutation(devices).prefix(count))
    }
}
