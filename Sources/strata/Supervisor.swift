import Foundation
import StrataProtocol
import StrataService
import Synchronization

/// Keeps `strata up`'s children running: starts them, waits for health, reports and restarts a
/// child that dies (non-zero exit or a signal; at most 3 restarts a minute each), and stops all of
/// them with SIGTERM — services first, the bus last.
final class Supervisor: Sendable {
    private struct Running {
        let spec: ServiceSpec
        var child: ChildProcess
        var restarts: [Date] = []
        var reported = false
    }

    private let layout: SystemLayout
    private let restart: Bool
    private let output: LineOutput
    private let children = Mutex<[Running]>([])

    init(layout: SystemLayout, restart: Bool, output: LineOutput) {
        self.layout = layout
        self.restart = restart
        self.output = output
    }

    func start(_ spec: ServiceSpec) throws -> ChildProcess {
        let child = try ChildProcess(arguments: spec.arguments, logFile: layout.logFile(spec.instance))
        children.withLock { $0.append(Running(spec: spec, child: child)) }
        return child
    }

    /// Waits until every child has written its endpoints and answers a verified health.get.
    func waitHealthy(timeout: Double) async throws -> [(endpoint: String, report: HealthGetOK)] {
        let probe = try HealthProbe()
        let deadline = ContinuousClock.now + .seconds(timeout)
        var reports: [(String, HealthGetOK)] = []
        for running in children.withLock({ $0 }) {
            let instance = running.spec.instance
            while true {
                if let ending = running.child.ending {
                    throw ChildFailure("\(instance) ended (\(ending)) before it was healthy:\n"
                                       + running.child.lastLogLines(10).joined(separator: "\n"))
                }
                if let endpoint = (try? EndpointsFile.read(layout.endpointsFile(instance)))?["requests"],
                   let report = try? await probe.query(endpoint, timeout: .milliseconds(500), retries: 0) {
                    reports.append((endpoint, report))
                    break
                }
                guard ContinuousClock.now < deadline else {
                    throw ChildFailure("\(instance) was not healthy within \(timeout) s; its last log lines:\n"
                                       + running.child.lastLogLines(10).joined(separator: "\n"))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return reports
    }

    /// Watches the children until cancelled.
    func supervise() async {
        while !Task.isCancelled {
            for index in children.withLock({ $0.indices }) { check(index) }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func check(_ index: Int) {
        let running = children.withLock { $0[index] }
        guard let ending = running.child.ending, !running.reported else { return }
        let instance = running.spec.instance
        output.warn("strata up: \(instance) (pid \(running.child.pid)) ended: \(ending). Last log lines:")
        for line in running.child.lastLogLines(5) { output.warn("  \(instance) | \(line)") }
        let recent = running.restarts.filter { $0.timeIntervalSinceNow > -60 }
        guard restart, !running.child.endedCleanly, recent.count < 3 else {
            output.warn("strata up: not restarting \(instance)" + (recent.count >= 3 ? " (3 restarts in the last minute)" : ""))
            children.withLock { $0[index].reported = true }
            return
        }
        // The dead process held its data-folder lock until the kernel released it at exit; the new
        // one resumes from the same SQLite file and key.
        try? FileManager.default.removeItem(atPath: layout.endpointsFile(instance))
        do {
            let child = try ChildProcess(arguments: running.spec.arguments, logFile: layout.logFile(instance))
            children.withLock { table in
                table[index].child = child
                table[index].restarts = recent + [Date()]
            }
            output.warn("strata up: restarted \(instance) (pid \(child.pid))")
        } catch {
            output.warn("strata up: cannot restart \(instance): \(error)")
            children.withLock { $0[index].reported = true }
        }
    }

    /// SIGTERM to every service at once, then the bus; true when all exited 0.
    @discardableResult
    func stopAll() -> Bool {
        let all = children.withLock { table in defer { table.removeAll() }; return table }
        guard !all.isEmpty else { return true }
        let services = all.filter { $0.spec.instance != "bus" }, bus = all.filter { $0.spec.instance == "bus" }
        for group in [services, bus] {
            for running in group where running.child.isRunning { running.child.signal(SIGTERM) }
            for running in group { running.child.stop(grace: 3) }
        }
        var clean = true
        for running in all {
            let ending = running.child.ending ?? "unknown"
            if !running.child.endedCleanly && !running.reported { clean = false }
            output.write("strata up: \(running.spec.instance) stopped (\(ending))")
        }
        return clean
    }
}
