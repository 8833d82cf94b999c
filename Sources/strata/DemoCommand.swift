import ArgumentParser
import Foundation
import StrataBus
import StrataService
import StrataCrypto
import StrataProtocol
import StrataTransport

/// `strata demo`: the foundation's end-to-end show. Starts `strata bus` and `strata watch` as real
/// child processes on free loopback ports, publishes a short burst of signed messages (notes, one
/// model-sized message and, unless told otherwise, one forged note that every subscriber must drop),
/// shows what the watcher printed, and stops both children cleanly.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show signed messages on a live event bus (bus and watcher run as child processes).",
        discussion: """
            With --frontend, publishes the burst to an already running bus instead and exits (for
            your own subscriber, e.g. examples/python/subscribe.py). Exit status 0 when the watcher
            verified every genuine message and dropped the forged one.
            """
    )

    @Option(help: "Signed notes to publish.")
    var notes: Int = 8

    @Flag(inversion: .prefixedNo, help: "Also publish one forged note (signed by the wrong key) that must be dropped.")
    var forged = true

    @Option(help: "Publish to this running bus frontend (XSUB) instead of starting one.")
    var frontend: String?

    @Option(help: "Seconds to wait for the watcher to show everything.")
    var timeout: Double = 20

    func validate() throws {
        guard (1...1000).contains(notes) else { throw ValidationError("--notes must be 1...1000") }
        if let frontend, !EndpointSyntax.isValid(frontend) { throw ValidationError("--frontend \"\(frontend)\" is not a ZeroMQ endpoint") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let burst = try DemoBurst(notes: notes, forged: forged)
        if let frontend {
            try await burst.publish(to: frontend)
            LineOutput().write("demo: published \(burst.genuineCount) signed messages\(forged ? " and 1 forged note" : "") to \(frontend)")
            return
        }
        try await runWithChildren(burst)
    }

    private func runWithChildren(_ burst: DemoBurst) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-demo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let endpointsFile = "\(folder)/bus.json"
        LineOutput().write("demo: starting the event bus (strata bus) on free loopback ports")
        let bus = try ChildProcess(arguments: ["bus", "--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*",
                                               "--requests", "tcp://127.0.0.1:*", "--endpoints-file", endpointsFile,
                                               "--data-dir", "\(folder)/bus", "--log-level", "warning"])
        defer { bus.stop() }
        let endpoints = try await EndpointsFile.wait(for: endpointsFile, child: bus)
        guard let front = endpoints["frontend"], let back = endpoints["backend"] else {
            throw ValidationError("the bus wrote no frontend/backend endpoints to \(endpointsFile)")
        }
        LineOutput().write("demo: bus frontend \(front), backend \(back); starting strata watch")
        let watch = try ChildProcess(arguments: ["watch", "--endpoint", back], echoPrefix: "  watch | ")
        defer { watch.stop() }
        // The watcher has joined once it shows the bus's heartbeat (PUB/SUB slow joiner, SPEC §16).
        guard await watch.waitForLine(containing: "node.heartbeat.bus", timeout: timeout) else {
            throw ValidationError("strata watch showed no bus heartbeat within \(timeout) s")
        }
        LineOutput().write("demo: publishing \(burst.genuineCount) signed messages\(burst.forged == nil ? "" : " and 1 forged note")")
        try await burst.publish(to: front)
        let shown = await watch.waitForLines(containing: " diag.", count: burst.genuineCount, timeout: timeout)
        watch.stop()
        let dropped = watch.stderrText.contains("bad_signature")
        LineOutput().write("demo: the watcher verified \(shown) of \(burst.genuineCount) genuine messages"
              + (burst.forged == nil ? "" : dropped ? " and dropped the forged note (bad_signature)" : " but did not report the forged note"))
        bus.stop()
        LineOutput().write("demo: bus stopped (exit status \(bus.exitStatus.map(String.init) ?? "unknown"))")
        guard shown == burst.genuineCount, burst.forged == nil || dropped else { throw ExitCode(1) }
    }
}

/// The demo's messages: numbered notes (numbers that exercise canonical formatting), one
/// model-sized message, and optionally a note whose signature is from another key. Each is sealed
/// when it is sent, so its timestamp is fresh.
struct DemoBurst {
    let notes: [DiagNote]
    let model: DiagModel
    let forged: DiagNote?
    let signer: EnvelopeSigner

    var genuineCount: Int { notes.count + 1 }

    init(notes count: Int, forged: Bool) throws {
        signer = EnvelopeSigner(key: try SigningKey())
        let values: [Double] = [0.1, 1.0 / 3.0, -1.5, 1e21, 123.456, 1e-7, 0, 42]
        notes = (0..<count).map { n in
            DiagNote(n: Int64(n), text: "signed demo note \(n + 1) of \(count)", value: values[n % values.count])
        }
        let weights = (0..<7_850).map { Float(sin(Double($0))) * 0.01 }
        model = DiagModel(model: ModelParameters(layout: "logreg-784-10", values: weights))
        self.forged = forged ? DiagNote(n: Int64(count), text: "forged: signed by another key") : nil
    }

    func publish(to frontend: String) async throws {
        let publisher = try Publisher(endpoint: frontend, options: .bulk)
        // Give the connection a moment to receive the bus's subscriptions (PUB drops until then, SPEC §16).
        try await Task.sleep(for: .milliseconds(500))
        if let forged {
            var envelope = try signer.seal(forged).envelope
            envelope.sig = Hex.encode(try SigningKey().sign(envelope.canonicalBytes()))
            publisher.publish(topic: "diag.note", payload: envelope.wireBytes())
        }
        for note in notes {
            publisher.publish(topic: "diag.note", payload: try signer.seal(note).wire)
            try await Task.sleep(for: .milliseconds(50))
        }
        publisher.publish(topic: "diag.model", payload: try signer.seal(model).wire)
        publisher.close(lingerMillis: 2_000)
    }
}
