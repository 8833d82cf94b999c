import Foundation
import StrataLearning

/// Local training speed: Strata's trainer (`strata learn speed`, one thread) against a numpy
/// reference of the same MLP on the same data (bench/numpy_mlp.py: numpy's bundled OpenBLAS, one
/// thread), in the same run. Fashion-MNIST train, 60,000 rows, MLP 784-128-10, batch 32, lr 0.05,
/// Float32; samples/s is the median epoch.
///
/// Each trainer runs as its own process so its environment can differ: numpy always runs with
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (they slow a current numpy: its best). Strata runs
/// each of its training kernels — `simd` (its AVX-512 kernels, the default where the CPU has them)
/// and `blas` (Debian OpenBLAS `cblas_sgemm`) — once with the environment as given and once with
/// both removed, so the table shows what the kernel and what those variables change.
struct TrainerBench: BenchSuite {
    static let name = "trainer"
    static let summary = "MLP 784-128-10 local SGD, batch 32, f32, 1 thread: Strata vs numpy (samples/s)"

    static func run(quick: Bool) async throws -> BenchTable {
        let epochs = quick ? 1 : 5
        let dataDirectory = ProcessInfo.processInfo.environment["STRATA_DATA_DIR"] ?? "data"
        let python = ProcessInfo.processInfo.environment["STRATA_BENCH_PYTHON"] ?? "bench/.venv/bin/python"
        let strata = ProcessInfo.processInfo.environment["STRATA_BIN"] ?? ".build/release/strata"
        for (path, hint) in [(python, "run `make bench`: it creates the virtualenv with the pinned numpy"),
                             (strata, "build it: swift build -c release --product strata")]
        where !FileManager.default.isExecutableFile(atPath: path) {
            throw TrainerBenchError("\(path) is missing: \(hint)")
        }
        let tuning = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]
        let given = tuning.map { "\($0)=\(ProcessInfo.processInfo.environment[$0] ?? "unset")" }.joined(separator: " ")
        let numpy = try child(python, ["bench/numpy_mlp.py", "--data-dir", dataDirectory, "--epochs", "\(epochs)"], unset: tuning)
        // The simd rows exist only on CPUs with AVX-512 (the bench runs on the machine it measures).
        let kernels = TrainingKernel.allCases.filter { $0 != .simd || TrainingKernel.simdAvailable }
        var runs: [(kernel: TrainingKernel, unset: Bool, result: ChildResult)] = []
        for kernel in kernels {
            let arguments = ["learn", "speed", "--data-dir", dataDirectory, "--model", "mlp", "--epochs", "\(epochs)",
                             "--threads", "1", "--kernel", kernel.rawValue]
            runs.append((kernel, false, try child(strata, arguments, unset: [])))
            runs.append((kernel, true, try child(strata, arguments, unset: tuning)))
        }

        let numpyRate = median(numpy.rates)
        var table = BenchTable(columns: ["trainer", "kernel", "blas_env", "samples_per_s", "ratio_vs_numpy", "last_epoch_loss", "peak_rss_mib"])
        let numpyLabel = "numpy \(numpy.json["numpy"] as? String ?? "?")"
        for (label, kernel, environment, result) in [(numpyLabel, "bundled openblas", "both unset", numpy)]
            + runs.map({ ("strata", $0.result.json["kernel"] as? String ?? "?", $0.unset ? "both unset" : given, $0.result) }) {
            table.add([label, kernel, environment.replacingOccurrences(of: ",", with: ";"), Format.rate(median(result.rates)),
                       Format.ratio(median(result.rates) / numpyRate), String(format: "%.4f", result.losses.last ?? .nan),
                       String(format: "%.0f", Double(result.json["peak_rss_kib"] as? Int ?? 0) / 1024)])
        }
        let blas = (try? JSONSerialization.data(withJSONObject: numpy.json["blas"] ?? "unknown", options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "unknown"
        table.notes.append("numpy BLAS (threadpoolctl): \(blas)")
        table.notes.append("strata kernels: simd = Strata's AVX-512 kernels (CStrataKernels, no BLAS in the step); "
            + "blas = Debian libopenblas cblas_sgemm, openblas_set_num_threads(1); blas_env = OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE of that process")
        let perEpoch = runs.map { "strata \($0.kernel) \($0.unset ? "unset" : "as given") \($0.result.rates.map(Format.rate))" }
        table.notes.append("per-epoch samples/s: numpy \(numpy.rates.map(Format.rate)), \(perEpoch.joined(separator: ", "))")
        table.notes.append("peak RSS is each process's maximum resident set, including the 60,000-row data set (188 MB as Float32)")
        return table
    }

    struct ChildResult {
        var rates: [Double]
        var losses: [Double]
        var json: [String: Any]
    }

    /// Runs one trainer process with one BLAS thread and `unset` removed from its environment;
    /// it prints one JSON object with `samples_per_second` and `loss` per epoch.
    static func child(_ executable: String, _ arguments: [String], unset: [String]) throws -> ChildResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for name in unset { environment[name] = nil }
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rates = json["samples_per_second"] as? [Double], let losses = json["loss"] as? [Double] else {
            throw TrainerBenchError("\(executable) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): "
                + String(decoding: data, as: UTF8.self))
        }
        return ChildResult(rates: rates, losses: losses, json: json)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// The trainer benchmark cannot run, with the reason.
struct TrainerBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
