import Foundation
import StrataLearning

/// Runs the built `strata` binary (.build/debug/strata, built by `swift build --build-tests`) as a
/// real process and collects its exit status, standard output and standard error.
enum StrataProcess {
    static let binary = "\(TestData.packageRoot)/.build/debug/strata"

    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String, error: String) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw LearningError(.dataMissing, "\(binary) is missing: build first (swift build --build-tests)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputBytes = output.fileHandleForReading.readDataToEndOfFile()
        let errorBytes = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputBytes, as: UTF8.self), String(decoding: errorBytes, as: UTF8.self))
    }
}
