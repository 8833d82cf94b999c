import ArgumentParser
import Foundation
import StrataBus
import StrataService
import StrataProtocol

/// `strata watch`: prints live bus traffic, verified, one line per message.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow the event bus live: time, topic, type, sender, summary of every verified message.",
        discussion: """
            Every message is validated like any subscriber does (proto-schemas/SPEC.md §12); one that
            fails is dropped, reported once per error code on stderr, and counted. At the end a summary
            of verified and dropped messages goes to stderr.
            Exit status: 0, or 2 when --count was given and not reached before --timeout.
            """
    )

    @Option(help: "The bus backend (XPUB) to subscribe to (env STRATA_BUS_BACKEND).")
    var endpoint: String = environment("STRATA_BUS_BACKEND") ?? "tcp://127.0.0.1:7401"

    @Option(name: .customLong("topic"), help: "Topic prefix to follow (repeatable; default: everything).")
    var topics: [String] = []

    @Flag(help: "Print each verified envelope as one line of JSON instead of a summary line.")
    var json = false

    @Option(help: "Stop after this many verified messages.")
    var count: Int?

    @Option(help: "Stop after this many seconds.")
    var timeout: Double?

    func validate() throws {
        guard EndpointSyntax.isValid(endpoint) else { throw ValidationError("--endpoint \"\(endpoint)\" is not a ZeroMQ endpoint") }
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let watcher = try BusWatcher(endpoint: endpoint, topics: topics.isEmpty ? [""] : topics)
        let output = LineOutput()
        let (json, count) = (self.json, self.count)
        let (verified, reached) = await withStopSignals(timeout: timeout) { () async -> (Int, Bool) in
            var verified = 0
            for await event in watcher.events {
                switch event {
                case .verified(let topic, let message, let bytes):
                    verified += 1
                    output.write(json ? String(decoding: message.envelope.wireBytes(), as: UTF8.self)
                                      : MessageSummary.line(topic: topic, message: message, bytes: bytes))
                    if let count, verified >= count { return (verified, true) }
                case .rejected(let topic, let error):
                    if watcher.rejected.snapshot[error.code] == 1 {
                        output.warn("dropped a message on \"\(topic)\": \(error) (further \(error.code.rawValue) drops are only counted)")
                    }
                }
            }
            return (verified, false)
        }
        watcher.close()
        let drops = watcher.rejected.snapshot.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        output.warn("watch: \(verified) verified, \(watcher.rejected.total) dropped\(drops.isEmpty ? "" : " (\(drops))")")
        if count != nil && !reached { throw ExitCode(2) }
    }
}

/// Unbuffered line output: stdout for messages, stderr for diagnostics (so pipes see lines at once).
struct LineOutput: Sendable {
    func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
