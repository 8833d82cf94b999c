import ArgumentParser
import Foundation
import StrataProtocol
import StrataService

/// `strata health`: finds every service of a running system and prints one line of health each.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Ask every service for its health and print a table (exit 1 if any is down).",
        discussion: """
            Finds services from the endpoint files `strata up` writes (<data-dir>/endpoints/*.json), or
            from --endpoint flags. Each gets a signed health.get; a service that does not answer a
            verified health.get.ok in time is shown as down.
            """
    )

    @Option(help: ArgumentHelp("The folder `strata up` runs in (env STRATA_DATA_DIR).", valueName: "dir"))
    var dataDir: String = environment("STRATA_DATA_DIR") ?? "strata-data"

    @Option(name: .customLong("endpoint"), help: "A request endpoint to ask (repeatable; replaces the discovery).")
    var endpoints: [String] = []

    @Flag(help: "Print one JSON object per service instead of the table.")
    var json = false

    @Option(help: "Seconds to wait for each service.")
    var timeout: Double = 2

    func validate() throws {
        for endpoint in endpoints where !EndpointSyntax.isValid(endpoint) {
            throw ValidationError("--endpoint \"\(endpoint)\" is not a ZeroMQ endpoint")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let targets = endpoints.isEmpty ? try SystemLayout(root: dataDir).discover() : endpoints.map { ("?", $0) }
        guard !targets.isEmpty else {
            throw ValidationError("no services found in \(dataDir)/endpoints; is `strata up --data-dir \(dataDir)` running?")
        }
        let probe = try HealthProbe()
        let output = LineOutput()
        var down = 0
        if !json { output.write(HealthTable.header) }
        for (name, endpoint) in targets {
            do {
                let report = try await probe.query(endpoint, timeout: .milliseconds(Int(timeout * 1000)))
                output.write(json ? HealthTable.json(report, endpoint: endpoint) : HealthTable.row(report, endpoint: endpoint))
            } catch {
                down += 1
                output.write(json ? HealthTable.jsonDown(name, endpoint: endpoint, error: "\(error)")
                                  : HealthTable.downRow(name, endpoint: endpoint, error: "\(error)"))
            }
        }
        if down > 0 {
            output.warn("health: \(down) of \(targets.count) services down")
            throw ExitCode(1)
        }
    }
}

/// How `strata health` and `strata up` print reports.
enum HealthTable {
    static let header = pad(["instance", "status", "uptime", "identity", "db", "recv", "rejected", "pub", "devices", "endpoint"])

    static func pad(_ cells: [String]) -> String {
        let widths = [13, 8, 9, 9, 9, 7, 9, 7, 8, 0]
        return zip(cells, widths).map { cell, width in
            cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count)
        }.joined(separator: " ")
    }

    static func row(_ report: HealthGetOK, endpoint: String) -> String {
        pad([report.instance, report.status.rawValue, String(format: "%.1fs", Double(report.uptimeMs) / 1000),
             String(report.identity.prefix(8)), bytes(report.dbBytes), "\(report.received)",
             "\(report.rejected.values.reduce(0, +))", "\(report.published)", report.devices.map { "\($0)" } ?? "-", endpoint])
    }

    static func downRow(_ name: String, endpoint: String, error: String) -> String {
        pad([name, "DOWN", "-", "-", "-", "-", "-", "-", "-", "\(endpoint)  (\(error.prefix(120)))"])
    }

    static func json(_ report: HealthGetOK, endpoint: String) -> String {
        var body = (try? JSONValueEncoder.encode(report)) ?? .object([:])
        if case .object(var members) = body {
            members["endpoint"] = .string(endpoint)
            body = .object(members)
        }
        return String(decoding: CanonicalJSON.encode(body), as: UTF8.self)
    }

    static func jsonDown(_ name: String, endpoint: String, error: String) -> String {
        String(decoding: CanonicalJSON.encode(.object(["instance": .string(name), "status": .string("down"),
                                                      "endpoint": .string(endpoint), "error": .string(error)])), as: UTF8.self)
    }

    static func bytes(_ count: Int64) -> String {
        count >= 1 << 20 ? String(format: "%.1fM", Double(count) / 1_048_576) : count >= 1024 ? "\(count / 1024)K" : "\(count)"
    }
}
