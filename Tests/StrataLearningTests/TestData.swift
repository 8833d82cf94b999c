import Foundation
import StrataLearning

/// Where the real data sets are: env STRATA_DATASETS, else `data/` at the package root.
/// Missing data is a failure, not a skip: `make test` runs `make data` first.
enum TestData {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static var directory: String {
        ProcessInfo.processInfo.environment["STRATA_DATASETS"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(packageRoot)/data"
    }

    /// MNIST 5k with its fixed splits; loaded once per test process.
    static let mnist: Result<TaskData, any Error> = Result {
        do { return try DatasetCatalog.load(.mnist5k, dataDirectory: directory) }
        catch let error as LearningError {
            throw LearningError(error.code, "\(error.message) — the real data is required: run `make data`")
        }
    }

    static func mnistTask() throws -> TaskData { try mnist.get() }

    /// A temporary folder for fixtures written by a test.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "strata-learning-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
