import Foundation
import StrataProtocol
import Testing

/// The `strata` binary as a user meets it: help everywhere, the bus and watch as real processes,
/// clean shutdown on SIGTERM, clear refusals of bad flags, and the demo end to end.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CommandLineTests {
    @Test("every subcommand answers --help")
    func helpEverywhere() throws {
        let top = try StrataBinary.run(["--help"])
        #expect(top.status == 0)
        let section = try #require(top.stdout.components(separatedBy: "SUBCOMMANDS:").last)
        let names = section.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let first = words.first,
                  first.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return nil }
            return String(first)
        }
        #expect(names.contains("bus") && names.contains("watch") && names.contains("demo"), "listed: \(names)")
        for name in names {
            let help = try StrataBinary.run([name, "--help"])
            #expect(help.status == 0, "strata \(name) --help")
            #expect(help.stdout.contains("USAGE: strata \(name)"), "strata \(name) --help prints its usage")
        }
    }

    @Test("a bad flag value is refused with a clear message and a non-zero exit")
    func badFlags() throws {
        let bus = try StrataBinary.run(["bus", "--backend", "udp://nowhere"])
        #expect(bus.status != 0)
        #expect(bus.stderr.contains("not a ZeroMQ endpoint"))
        let watch = try StrataBinary.run(["watch", "--count", "0"])
        #expect(watch.status != 0)
        #expect(watch.stderr.contains("--count must be positive"))
    }

    @Test("strata bus runs until SIGTERM and exits 0 within 2 s; strata watch shows its heartbeat as JSON")
    func busAndWatch() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bus = try StrataBinary.Running(["bus", "--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*",
                                            "--requests", "tcp://127.0.0.1:*", "--endpoints-file", "\(folder)/bus.json",
                                            "--data-dir", "\(folder)/bus", "--heartbeat-ms", "200"])
        let endpoints = try bus.waitForEndpoints("\(folder)/bus.json")
        let backend = try #require(endpoints["backend"])
        let watch = try StrataBinary.run(["watch", "--endpoint", backend, "--json", "--count", "2", "--timeout", "20"])
        #expect(watch.status == 0, "watch saw 2 messages: \(watch.stderr)")
        let lines = watch.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            guard case .success(let message) = InboundValidator().accept(Array(line.utf8), topic: "node.heartbeat.bus") else {
                Issue.record("watch --json printed a line that does not verify: \(line)")
                continue
            }
            #expect(message.envelope.type == "node.heartbeat")
        }
        // The key was created 0600 in the data folder.
        let mode = try FileManager.default.attributesOfItem(atPath: "\(folder)/bus/identity.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let took = bus.signal(SIGTERM, within: 2)
        #expect(took != nil, "the bus exited within 2 s of SIGTERM")
        let result = bus.finish()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("bus stopping"))
    }

    @Test("--log-format json: every log line of a service is one JSON object naming the service and its identity")
    func jsonLogs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let service = try StrataBinary.Running(["publisher", "--data-dir", "\(folder)/p", "--requests", "tcp://127.0.0.1:*",
                                                "--endpoints-file", "\(folder)/p.json", "--log-format", "json",
                                                "--bus-frontend", "tcp://127.0.0.1:9"])
        _ = try service.waitForEndpoints("\(folder)/p.json")
        #expect(service.signal(SIGTERM, within: 5) != nil)
        let result = service.finish()
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count >= 2, "at least the up and stopping lines: \(result.stderr)")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["service"] == "publisher-0" && object?["identity"]?.count == 8, "\(line)")
            #expect(object?["level"] != nil && object?["message"] != nil && object?["ts"] != nil)
        }
    }

    @Test("watch gives up with exit 2 when --count is not reached before --timeout")
    func watchTimeout() throws {
        let result = try StrataBinary.run(["watch", "--endpoint", "tcp://127.0.0.1:9", "--count", "1", "--timeout", "0.5"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("0 verified"))
    }

    @Test("strata demo: the watcher verifies every genuine message and drops the forged one")
    func demo() throws {
        let result = try StrataBinary.run(["demo", "--notes", "5"], timeout: 90)
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("verified 6 of 6 genuine messages and dropped the forged note (bad_signature)"))
        #expect(result.stdout.components(separatedBy: " diag.note ").count - 1 >= 5)
        #expect(result.stdout.contains("bus stopped (exit status 0)"))
    }
}
