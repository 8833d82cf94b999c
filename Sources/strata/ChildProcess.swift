import Foundation
import StrataService
import Synchronization

/// A `strata` subcommand run as a real child process: its stdout lines are kept (and echoed with a
/// prefix when asked), stderr is kept for error reports, and `stop` ends it with SIGTERM, then
/// SIGKILL after a grace period.
final class ChildProcess: Sendable {
    private struct Output {
        var lines: [String] = []
        var partial = ""
        var stderr = ""
    }

    private final class OutputBuffer: Sendable {
        let state = Mutex(Output())
    }

    private let process: Process
    private let buffer = OutputBuffer()
    let arguments: [String]

    /// Starts `strata <arguments>` using this very executable.
    init(arguments: [String], echoPrefix: String? = nil, environment: [String: String]? = nil, logFile: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChildProcess.selfExecutable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        self.process = process
        self.arguments = arguments
        let buffer = self.buffer
        // Each pipe is drained by its own thread with blocking reads until EOF (Foundation's
        // readabilityHandler is not reliable on Linux when the child exits).
        ChildProcess.drain(stdout.fileHandleForReading.fileDescriptor) { text in
            let complete = buffer.state.withLock { state -> [String] in
                state.partial += text
                var lines = state.partial.components(separatedBy: "\n")
                state.partial = lines.removeLast()
                state.lines += lines
                return lines
            }
            if let echoPrefix {
                for line in complete { FileHandle.standardOutput.write(Data((echoPrefix + line + "\n").utf8)) }
            }
        }
        let log = logFile.flatMap { path -> FileHandle? in
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            return handle
        }
        ChildProcess.drain(stderr.fileHandleForReading.fileDescriptor) { text in
            buffer.state.withLock { state in
                state.stderr += text
                // Keep the last 64 KiB: enough for "last log lines", bounded for long runs.
                if state.stderr.utf8.count > 65_536 { state.stderr = String(state.stderr.suffix(32_768)) }
            }
            log?.write(Data(text.utf8))
        }
        try process.run()
    }

    private static func drain(_ descriptor: Int32, _ deliver: @escaping @Sendable (String) -> Void) {
        let thread = Thread {
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                deliver(String(decoding: chunk[..<count], as: UTF8.self))
            }
        }
        thread.name = "strata-child-pipe"
        thread.start()
    }

    /// The path of the running `strata` binary.
    static var selfExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }
    var lines: [String] { buffer.state.withLock { $0.lines } }
    var stderrText: String { buffer.state.withLock { $0.stderr } }

    /// The exit status once the child has ended (nil while it runs).
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// How the child ended, in words: "exit status 0", "killed by signal 9".
    var ending: String? {
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)"
                                                            : "exit status \(process.terminationStatus)"
    }

    /// True when it ended with exit status 0 (a clean shutdown).
    var endedCleanly: Bool { !process.isRunning && process.terminationReason == .exit && process.terminationStatus == 0 }

    /// The last `count` lines it wrote to stderr.
    func lastLogLines(_ count: Int) -> [String] {
        Array(stderrText.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).map(String.init))
    }

    /// Waits until a stdout line contains `text`; false on timeout or if the child ended first.
    func waitForLine(containing text: String, timeout: Double) async -> Bool {
        await waitForLines(containing: text, count: 1, timeout: timeout) >= 1
    }

    /// Waits until `count` stdout lines contain `text`; returns how many did by then.
    func waitForLines(containing text: String, count: Int, timeout: Double) async -> Int {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let seen = lines.filter { $0.contains(text) }.count
            if seen >= count || ContinuousClock.now >= deadline || !process.isRunning { return seen }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `number` to the child if it still runs.
    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// SIGTERM, then SIGKILL if the child is still running after `grace` seconds. Idempotent.
    func stop(grace: Double = 3) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

extension EndpointsFile {
    /// Waits for a child to write its endpoints file; fails with the child's stderr if it died first.
    static func wait(for path: String, child: ChildProcess, timeout: Double = 15) async throws -> [String: String] {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if let endpoints = try? read(path) { return endpoints }
            if !child.isRunning {
                throw ChildFailure("strata \(child.arguments.first ?? "") exited with status \(child.exitStatus ?? -1) before it was up:\n\(child.stderrText.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildFailure("strata \(child.arguments.first ?? "") wrote no endpoints to \(path) within \(timeout) s")
    }
}

/// A child process that did not come up, with what it said.
struct ChildFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
