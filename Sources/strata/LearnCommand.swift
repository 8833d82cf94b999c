import ArgumentParser
import Foundation
import StrataCrypto
import StrataLearning

/// `strata learn`: federated learning in one process, without chains (the "vanilla FL" baseline),
/// and `strata learn digest`, which prints SHA-256 digests of aggregation and scoring results.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Federated learning in one process, without chains (the vanilla FL baseline).",
        discussion: "Data comes from --data-dir (fill it with `make data`). See docs/learning.md.",
        subcommands: [LearnRunCommand.self, LearnDigestCommand.self, LearnSpeedCommand.self],
        defaultSubcommand: LearnRunCommand.self
    )
}

/// Where `make data` put the data sets: --data-dir, else env STRATA_DATASETS, else `data`.
struct LearningDataOption: ParsableArguments {
    @Option(help: ArgumentHelp("Folder holding mnist5k/ and fashion-mnist/ (env STRATA_DATASETS).", valueName: "dir"))
    var dataDir: String = environment("STRATA_DATASETS") ?? "data"

    @Option(help: "Data set: mnist5k or fmnist.")
    var dataset: String = "mnist5k"

    @Option(help: "Model: logreg (784-10) or mlp (784-128-10).")
    var model: String = "logreg"

    var datasetName: DatasetName { DatasetName(rawValue: dataset)! }
    var modelKind: ModelKind { model == "mlp" ? .mlp784 : .logreg784 }

    func validate() throws {
        guard DatasetName(rawValue: dataset) != nil else {
            throw ValidationError("--dataset \"\(dataset)\" is not one of mnist5k, fmnist")
        }
        guard ["logreg", "mlp"].contains(model) else {
            throw ValidationError("--model \"\(model)\" is not one of logreg, mlp")
        }
    }

    /// Loads the data set; a missing or corrupt file ends the command with the reader's message.
    func load() throws -> TaskData {
        try DatasetCatalog.load(datasetName, dataDirectory: dataDir)
    }
}

struct LearnRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run federated rounds and print one line per round (round, accuracy, loss, time).",
        discussion: """
            Example: strata learn --dataset mnist5k --model logreg --rule median --attack labelflip:0.3
            Accuracy and loss are those of the global model on the test set after each round.
            """
    )

    @OptionGroup var data: LearningDataOption

    @Option(help: "Number of devices (all train every round).")
    var clients: Int = 30

    @Option(help: "Number of rounds.")
    var rounds: Int = 30

    @Option(help: "Aggregation rule: fedavg, median, trimmed[:β], krum[:f], multikrum[:f[:m]] (f defaults to the attacker count).")
    var rule: String = "fedavg"

    @Option(help: "Attack and share of attacking devices, e.g. labelflip:0.3, labelflip=7>1:0.2, noise=0.5:0.3, signflip:0.2, scale=10:0.1, lazy:0.3, lazy=5:0.3, freerider:0.3.")
    var attack: String?

    @Option(help: "Partition: iid, dirichlet:α, classes:k, unequal:σ.")
    var partition: String = "iid"

    @Option(help: "Seed for partition, initialisation, batch order, attackers and noise.")
    var seed: UInt64 = 0

    @Option(help: "Learning rate (default 0.1 for logreg, 0.05 for mlp).")
    var lr: Float?

    @Option(help: "Mini-batch size.")
    var batch: Int = 32

    @Option(help: "Local epochs per round.")
    var epochs: Int = 1

    @Option(help: ArgumentHelp("Also write round,accuracy,loss,training_loss,seconds to this CSV file.", valueName: "file"))
    var csv: String?

    func validate() throws {
        _ = try federatedConfig()
    }

    func federatedConfig() throws -> FederatedConfig {
        do {
            let plan = try attack.map { try AttackPlan(parsing: $0) }
            let attackers = plan.map { Int(($0.fraction * Double(clients) + 1e-9).rounded(.down)) } ?? 0
            let config = FederatedConfig(
                model: data.modelKind, devices: clients, rounds: rounds,
                rule: try AggregationRule(parsing: rule, defaultF: attackers),
                partition: try PartitionScheme(parsing: partition), attack: plan,
                training: TrainingConfig(learningRate: lr ?? TrainingConfig.reference(for: data.modelKind).learningRate,
                                         batchSize: batch, epochs: epochs),
                seed: seed)
            try config.validate()
            if config.rule == .weightedFedAvg {
                throw ValidationError("--rule weighted needs external weights (reputation), which a run without chains does not have")
            }
            return config
        } catch let error as LearningError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let config = try federatedConfig()
        let task = try data.load()
        var federated = try FederatedRun(config: config, data: task)
        print("learn: \(data.dataset) \(config.model.layout), \(config.devices) clients (\(task.train.count) train rows, "
            + "\(task.test.count) test), partition \(config.partition), rule \(config.rule), "
            + "attack \(config.attack.map { "\($0) (\(federated.attackers.count) devices)" } ?? "none"), "
            + "lr \(config.training.learningRate), batch \(config.training.batchSize), epochs \(config.training.epochs), seed \(config.seed)")
        var lines = ["round,accuracy,loss,training_loss,seconds"]
        let clock = ContinuousClock()
        for _ in 0..<config.rounds {
            let start = clock.now
            let report = try federated.nextRound()
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            print(String(format: "round %3d  accuracy %.4f  loss %.4f  time %.3f s", report.round, report.accuracy, report.loss, seconds))
            lines.append(String(format: "%d,%.6f,%.6f,%.6f,%.4f", report.round, report.accuracy, report.loss, report.trainingLoss, seconds))
            if let csv { try (lines.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8) }
        }
    }
}
