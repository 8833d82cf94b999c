import ArgumentParser
import Foundation
import StrataCrypto
import StrataLearning

/// `strata learn digest`: a determinism probe. It builds a fixed set of updates from a seed (the
/// seeded initial model plus seeded noise of varied size, one update scaled ×20 like an attacker),
/// aggregates them with every rule and scores them on the data set's validation set, and prints one
/// SHA-256 per result. Two processes with the same flags must print the same lines whatever their
/// BLAS thread count; the tests run it twice as separate processes and compare.
struct LearnDigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print SHA-256 digests of aggregation and scoring results for seeded updates (determinism check)."
    )

    @OptionGroup var data: LearningDataOption

    @Option(help: "Number of updates.")
    var updates: Int = 12

    @Option(help: "Seed of the initial model and the noise.")
    var seed: UInt64 = 1

    @Option(help: "OpenBLAS threads for this process (must not change any digest).")
    var threads: Int = 1

    func validate() throws {
        guard updates >= 5, updates <= 200 else { throw ValidationError("--updates must be in 5…200 (Krum with f = 1 needs n ≥ 5)") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be in 1…64") }
    }

    func run() throws {
        LocalTrainer.setBLASThreads(threads)
        let kind = data.modelKind
        let task = try data.load()
        let global = Model.initialized(kind, seed: seed)
        var generator = SeededGenerator(seed: seed, stream: 0xD16E57)
        let round = (0..<updates).map { index in
            let sigma = Float(0.01 * Double(1 + index % 3))
            var parameters = global.parameters.map { $0 + sigma * Float(generator.normal()) }
            if index == updates - 1 { parameters = zip(global.parameters, parameters).map { g, p in g + 20 * (p - g) } }
            return ModelUpdate(parameters: parameters, sampleCount: 100 + 7 * index, weight: Double(index % 4) / 3)
        }
        let f = 1
        let rules: [AggregationRule] = [.fedAvg, .weightedFedAvg, .median, .trimmedMean(beta: 0.2), .krum(f: f), .multiKrum(f: f, m: nil)]
        for rule in rules {
            let result = try aggregate(rule, round)
            print("\(rule.description.padding(toLength: 12, withPad: " ", startingAt: 0)) \(SHA256.hash(ParameterBytes.encode(result)).hex)")
        }
        var scoreBytes: [UInt8] = []
        for score in try UpdateScorer.scoreRound(round, kind: kind, on: task.validation) {
            for value in [score.accuracy, score.loss, score.distanceToOthers] {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { scoreBytes += $0 }
            }
        }
        print("\("scores".padding(toLength: 12, withPad: " ", startingAt: 0)) \(SHA256.hash(scoreBytes).hex)")
    }
}
