import Foundation
import StrataCrypto
import StrataProtocol
import StrataTransport
import Testing

/// `strata up` with real processes and real sockets: health, verified heartbeats seen by a Python
/// subscriber, bad input on every service's socket, a SIGKILLed service restarted with its identity
/// and data, and a clean SIGTERM of everything.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct UpTests {
    func endpoints(_ root: String) throws -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: "\(root)/endpoints") where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/endpoints/\(name)"))
            result[String(name.dropLast(5))] = try JSONSerialization.jsonObject(with: data) as? [String: String]
        }
        return result
    }

    func waitFor(_ what: String, timeout: Double = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            usleep(50_000)
        }
        throw CLIError("timed out waiting for \(what)")
    }

    /// Sends raw bytes to a request endpoint and returns the reply's error code (nil for an ok reply).
    func errorCode(of payload: [UInt8], to endpoint: String) async throws -> String? {
        let requester = try Requester(connect: endpoint)
        defer { requester.close() }
        let reply = try await requester.request(payload, timeout: .seconds(3), retries: 0)
        let envelope = try JSONParser.parse(reply)
        return envelope["type"]?.stringValue == "error" ? envelope["body"]?["code"]?.stringValue : nil
    }

    @Test("strata up --mecs 4 --devices 10: healthy, heartbeats verified by Python, bad input refused, kill and restart, clean stop")
    func wholeSystem() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let up = try StrataBinary.Running(["up", "--data-dir", root, "--mecs", "4", "--devices", "10", "--heartbeat-ms", "250"])
        try waitFor("every service healthy") { up.stdout.contains("services healthy") }
        #expect(up.stdout.contains("strata up: 10 services healthy"), "stdout: \(up.stdout)\nstderr: \(up.stderr)")
        let found = try endpoints(root)
        let instances = ["bus", "coordinator-0", "publisher-0", "reputation-0", "archiver-0", "mec-0", "mec-1", "mec-2", "mec-3", "swarm-0"]
        #expect(Set(found.keys) == Set(instances))
        let backend = try #require(found["bus"]?["backend"])

        // Given a running system, a Python subscriber verifies heartbeats from every service.
        let probe = EnvelopeSigner(key: try SigningKey())
        var identities: [String: String] = [:]
        for instance in instances {
            let endpoint = try #require(found[instance]?["requests"])
            let reply = try await Requester(connect: endpoint).request(try probe.seal(HealthGet()).wire)
            let report = try JSONParser.parse(reply)
            identities[instance] = try #require(report["body"]?["identity"]?.stringValue)
        }
        let subscriber = try pythonSubscriber(backend: backend)
        let lines = subscriber.stdout.split(separator: "\n")
        let senders = Set(lines.compactMap { $0.split(separator: " ").dropFirst(3).first.map(String.init) })
        for (instance, identity) in identities {
            #expect(senders.contains(String(identity.prefix(8))), "a verified heartbeat from \(instance)")
        }
        #expect(subscriber.status == 0, "every message verified in Python: \(subscriber.stderr)")
        let health = try StrataBinary.python(["examples/python/health.py", "--data-dir", root])
        #expect(health.status == 0, "\(health.stdout)\n\(health.stderr)")
        #expect(health.stdout.split(separator: "\n").count == instances.count)
        for identity in identities.values { #expect(health.stdout.contains(identity)) }

        // Every service's request socket refuses bad input with the right code and stays healthy.
        for instance in instances {
            let endpoint = try #require(found[instance]?["requests"])
            var forged = try probe.seal(HealthGet()).envelope
            forged.sig = Hex.encode(try SigningKey().sign(forged.canonicalBytes()))
            #expect(try await errorCode(of: forged.wireBytes(), to: endpoint) == "bad_signature", "\(instance)")
            #expect(try await errorCode(of: Array("{\"proto\":".utf8), to: endpoint) == "malformed", "\(instance)")
            let stale = try probe.seal(HealthGet(), now: WallClock.nowMillis() - 600_000)
            #expect(try await errorCode(of: stale.wire, to: endpoint) == "stale", "\(instance)")
            let unknown = probe.seal(type: "task.nonexistent", body: .object([:]))
            #expect(try await errorCode(of: unknown.wire, to: endpoint) == "unknown_type", "\(instance)")
            #expect(try await errorCode(of: try probe.seal(HealthGet()).wire, to: endpoint) == nil, "\(instance) still answers")
        }

        // SIGKILL one MEC: strata up reports it and restarts it with the same identity and data.
        let victim = try #require(found["mec-2"])
        kill(Int32(try #require(victim["pid"].flatMap(Int32.init))), SIGKILL)
        try waitFor("the restart of mec-2") { up.stderr.contains("restarted mec-2") }
        #expect(up.stderr.contains("mec-2 (pid \(victim["pid"]!)) ended: killed by signal 9"))
        try waitFor("mec-2's new endpoints") {
            guard let pid = try endpoints(root)["mec-2"]?["pid"] else { return false }
            return pid != victim["pid"]
        }
        let restarted = try #require(try endpoints(root)["mec-2"])
        #expect(restarted["identity"] == identities["mec-2"], "same identity after the restart")
        let reply = try await Requester(connect: try #require(restarted["requests"])).request(try probe.seal(HealthGet()).wire)
        #expect(try JSONParser.parse(reply)["body"]?["identity"]?.stringValue == identities["mec-2"])
        let starts = try StrataBinary.sqlite("\(root)/mec-2/mec.sqlite", "SELECT COUNT(*), COUNT(DISTINCT identity) FROM service_start")
        #expect(starts == "2|1", "the restart found its database: two starts, one identity")

        // A second strata up on the same folder is refused.
        let second = try StrataBinary.run(["up", "--data-dir", root], timeout: 20)
        #expect(second.status != 0 && second.stderr.contains("in use by another process"))

        // SIGTERM: every process exits 0, quickly.
        let took = up.signal(SIGTERM, within: 10)
        let result = up.finish()
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        for instance in instances {
            #expect(result.stdout.contains("strata up: \(instance) stopped (exit status 0)"), "\(instance) exited 0")
        }
        #expect((took ?? 99) < 2.0, "everything stopped within 2 s of SIGTERM (took \(took ?? -1) s)")
        let healthAfter = try StrataBinary.run(["health", "--data-dir", root, "--timeout", "0.3"])
        #expect(healthAfter.status == 1, "strata health reports the stopped system as down")
    }

    func pythonSubscriber(backend: String) throws -> StrataBinary.Result {
        try StrataBinary.python(["examples/python/subscribe.py", "--endpoint", backend, "--topic", "node.heartbeat.", "--count", "60", "--timeout", "30"])
    }
}
