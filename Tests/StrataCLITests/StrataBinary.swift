import Foundation

/// The built `strata` binary run as a real process, as a user runs it.
struct StrataBinary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var path: String {
        let candidate = ProcessInfo.processInfo.environment["STRATA_BIN"] ?? packageRoot.appendingPathComponent(".build/debug/strata").path
        precondition(FileManager.default.isExecutableFile(atPath: candidate),
                     "\(candidate) is missing: build first (`make build` or `swift build`)")
        return candidate
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `strata arguments` to completion (killed after `timeout` seconds).
    static func run(_ arguments: [String], timeout: Double = 60) throws -> Result {
        let running = try Running(arguments)
        let deadline = Date().addingTimeInterval(timeout)
        while running.process.isRunning && Date() < deadline { usleep(10_000) }
        if running.process.isRunning { running.process.terminate() }
        return running.finish()
    }

    static let python3 = "/usr/bin/python3"

    /// Runs Debian's Python with `arguments` (paths relative to the package root) to completion.
    static func python(_ arguments: [String], timeout: Double = 60) throws -> Result {
        let running = try Running(arguments, executable: python3)
        let deadline = Date().addingTimeInterval(timeout)
        while running.process.isRunning && Date() < deadline { usleep(10_000) }
        return running.finish()
    }

    /// One query through Python's sqlite3 module: the first row, columns joined by "|".
    static func sqlite(_ file: String, _ query: String) throws -> String {
        try python(["-c", "import sqlite3, sys; print('|'.join(map(str, sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone())))",
                    file, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A started `strata` (or other) process whose output goes to temporary files.
    final class Running {
        let process = Process()
        private let outURL: URL
        private let errURL: URL

        init(_ arguments: [String], executable: String = StrataBinary.path) throws {
            let folder = FileManager.default.temporaryDirectory
            let tag = UUID().uuidString.prefix(8)
            outURL = folder.appendingPathComponent("strata-cli-\(tag).out")
            errURL = folder.appendingPathComponent("strata-cli-\(tag).err")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: executable)
            process.currentDirectoryURL = StrataBinary.packageRoot
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

        /// Sends `signal` and waits up to `within` seconds; returns how long the exit took, or nil.
        func signal(_ number: Int32, within: Double) -> Double? {
            let start = Date()
            kill(process.processIdentifier, number)
            while process.isRunning && Date().timeIntervalSince(start) < within { usleep(5_000) }
            return process.isRunning ? nil : Date().timeIntervalSince(start)
        }

        func finish() -> Result {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            defer {
                try? FileManager.default.removeItem(at: outURL)
                try? FileManager.default.removeItem(at: errURL)
            }
            return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        }

        /// Waits until `file` exists and parses as a JSON object of strings.
        func waitForEndpoints(_ file: String, timeout: Double = 15) throws -> [String: String] {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let data = FileManager.default.contents(atPath: file),
                   let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] {
                    return object
                }
                if !process.isRunning { break }
                usleep(10_000)
            }
            throw CLIError("no endpoints in \(file); stderr: \(stderr)")
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cli-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
