import ArgumentParser
import Foundation
import StrataProtocol
import StrataService

/// `strata up`: the embedded default. Runs the bus and every service as child processes on
/// loopback with free ports under one folder, waits until each answers a verified health.get,
/// supervises them (a child that dies is reported with how it ended and its last log lines, then
/// restarted), and stops them all cleanly on Ctrl-C or SIGTERM.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run the whole system on this machine: bus, coordinator, publisher, reputation, archiver, MECs, a swarm.",
        discussion: """
            Layout of --data-dir: one folder per service (key, SQLite), endpoints/<instance>.json,
            logs/<instance>.log. Starting again on the same folder resumes every service from its
            SQLite file and key. `strata health --data-dir DIR` queries a running system.
            """
    )

    @Option(help: ArgumentHelp("Folder for the whole system (env STRATA_DATA_DIR).", valueName: "dir"))
    var dataDir: String = environment("STRATA_DATA_DIR") ?? "strata-data"

    @Option(help: "Number of MEC aggregators.")
    var mecs: Int = 3

    @Option(help: "Number of devices in the swarm.")
    var devices: Int = 10

    @Option(help: "Milliseconds between each service's heartbeats.")
    var heartbeatMs: Int = 1_000

    @Option(help: "Seconds to wait for every service to be healthy.")
    var startTimeout: Double = 30

    @Flag(inversion: .prefixedNo, help: "Restart a service that dies (at most 3 times a minute each).")
    var restart = true

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (1...64).contains(mecs) else { throw ValidationError("--mecs must be 1...64") }
        guard (1...100_000).contains(devices) else { throw ValidationError("--devices must be 1...100000") }
        guard heartbeatMs > 0 else { throw ValidationError("--heartbeat-ms must be positive") }
        guard startTimeout > 0 else { throw ValidationError("--start-timeout must be positive") }
    }

    func run() async throws {
        let layout = SystemLayout(root: dataDir)
        let lock: DataDirLock
        do {
            lock = try DataDirLock(folder: layout.root)
        } catch {
            throw ValidationError("\(error)")
        }
        for folder in [layout.endpointsFolder, layout.logsFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // Endpoint files of an earlier run name ports that are gone.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: layout.endpointsFolder)) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(layout.endpointsFolder)/\(name)")
        }
        let output = LineOutput()
        let supervisor = Supervisor(layout: layout, restart: restart, output: output)
        defer { _ = supervisor.stopAll() }
        output.write("strata up: starting the bus and \(4 + mecs + 1) services in \(layout.root)")
        let bus = try supervisor.start(ServiceSpec(instance: "bus", arguments: [
            "bus", "--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*", "--requests", "tcp://127.0.0.1:*",
            "--heartbeat-ms", "\(heartbeatMs)", "--endpoints-file", layout.endpointsFile("bus"), "--data-dir", layout.dataDir("bus"),
        ] + logArguments))
        let busEndpoints = try await EndpointsFile.wait(for: layout.endpointsFile("bus"), child: bus, timeout: startTimeout)
        guard let frontend = busEndpoints["frontend"], let backend = busEndpoints["backend"] else {
            throw ValidationError("the bus wrote no frontend/backend to \(layout.endpointsFile("bus"))")
        }
        for spec in serviceSpecs(layout: layout, frontend: frontend, backend: backend) { _ = try supervisor.start(spec) }
        let reports = try await supervisor.waitHealthy(timeout: startTimeout)
        output.write("strata up: \(reports.count) services healthy (bus frontend \(frontend), backend \(backend))")
        output.write(HealthTable.header)
        for (endpoint, report) in reports { output.write(HealthTable.row(report, endpoint: endpoint)) }
        output.write("strata up: follow the bus with `strata watch --endpoint \(backend)`; "
                     + "`strata health --data-dir \(layout.root)`; Ctrl-C stops everything")
        await withStopSignals(timeout: nil) { await supervisor.supervise() }
        output.write("strata up: stopping")
        let clean = supervisor.stopAll()
        withExtendedLifetime(lock) {}
        if !clean { throw ExitCode(1) }
    }

    var logArguments: [String] { ["--log-level", logging.logLevel, "--log-format", logging.logFormat] }

    func serviceSpecs(layout: SystemLayout, frontend: String, backend: String) -> [ServiceSpec] {
        var kinds: [(command: [String], instance: String)] = [
            (["coordinator"], "coordinator-0"), (["publisher"], "publisher-0"),
            (["reputation"], "reputation-0"), (["archiver"], "archiver-0"),
        ]
        kinds += (0..<mecs).map { (["mec", "--index", "\($0)"], "mec-\($0)") }
        kinds.append((["swarm", "--devices", "\(devices)"], "swarm-0"))
        return kinds.map { command, instance in
            ServiceSpec(instance: instance, arguments: command + [
                "--instance", instance, "--data-dir", layout.dataDir(instance), "--requests", "tcp://127.0.0.1:*",
                "--bus-frontend", frontend, "--bus-backend", backend, "--heartbeat-ms", "\(heartbeatMs)",
                "--endpoints-file", layout.endpointsFile(instance),
            ] + logArguments)
        }
    }
}

/// One child of `strata up`: its instance name and the `strata` arguments that start it.
struct ServiceSpec: Sendable {
    let instance: String
    let arguments: [String]
}
