import ArgumentParser
import Foundation
import StrataLearning

/// `strata learn speed`: times local training on Fashion-MNIST train (60,000 rows) and prints one
/// JSON line naming the kernel that ran. `make bench` runs it next to the numpy reference
/// (bench/numpy_mlp.py).
struct LearnSpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Time local SGD on Fashion-MNIST train; print samples/s per epoch as JSON."
    )

    @Option(help: ArgumentHelp("Folder holding fashion-mnist/ (env STRATA_DATASETS; default data).", valueName: "dir"))
    var dataDir: String = environment("STRATA_DATASETS") ?? "data"

    @Option(help: "Model: logreg or mlp.")
    var model: String = "mlp"

    @Option(help: "Epochs to time (each one reported).")
    var epochs: Int = 3

    @Option(help: "Mini-batch size.")
    var batch: Int = 32

    @Option(help: "OpenBLAS threads (the blas kernel's).")
    var threads: Int = 1

    @Option(help: "Training kernel: simd (AVX-512) or blas (OpenBLAS); default the fastest this CPU runs.")
    var kernel: String = TrainingKernel.best.rawValue

    func validate() throws {
        guard ["logreg", "mlp"].contains(model) else { throw ValidationError("--model \"\(model)\" is not one of logreg, mlp") }
        guard epochs >= 1, epochs <= 100 else { throw ValidationError("--epochs must be in 1…100") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be in 1…64") }
        guard let choice = TrainingKernel(rawValue: kernel) else { throw ValidationError("--kernel \"\(kernel)\" is not one of simd, blas") }
        guard choice != .simd || TrainingKernel.simdAvailable else { throw ValidationError("--kernel simd needs AVX-512F/DQ and FMA, which this CPU lacks") }
    }

    func run() throws {
        LocalTrainer.setBLASThreads(threads)
        let kind: ModelKind = model == "mlp" ? .mlp784 : .logreg784
        let (train, _) = try DatasetCatalog.loadFashionMNIST(dataDirectory: dataDir)
        let trainer = try LocalTrainer(kind: kind, config: TrainingConfig(
            learningRate: TrainingConfig.reference(for: kind).learningRate, batchSize: batch, epochs: 1),
            kernel: TrainingKernel(rawValue: kernel) ?? .best)
        var parameters = Model.initialized(kind, seed: 0).parameters
        var rates: [String] = []
        var losses: [String] = []
        let clock = ContinuousClock()
        for epoch in 0..<epochs {
            let start = clock.now
            let result = try trainer.train(from: parameters, on: train, seed: UInt64(epoch))
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            rates.append(String(format: "%.1f", Double(train.count) / seconds))
            losses.append(String(format: "%.6f", result.meanLoss))
            parameters = result.parameters
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("{\"layout\":\"\(kind.layout)\",\"samples\":\(train.count),\"samples_per_second\":[\(rates.joined(separator: ","))],"
            + "\"loss\":[\(losses.joined(separator: ","))],\"peak_rss_kib\":\(usage.ru_maxrss),\"threads\":\(threads),"
            + "\"kernel\":\"\(trainer.kernel)\"}")
    }
}
