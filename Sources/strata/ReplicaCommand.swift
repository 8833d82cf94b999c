import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StrataConsensusNode
import StrataCrypto
import StrataService
import StrataTransport

/// `strata replica`: one live member of a PBFT consensus group, and the tools around it.
struct ReplicaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: "Run and drive a live PBFT consensus group over ZeroMQ (the chains' agreement layer).",
        subcommands: [ReplicaInitCommand.self, ReplicaRunCommand.self, ReplicaSubmitCommand.self, ReplicaStatusCommand.self]
    )
}

/// `strata replica init`: keys and a roster for a group on this machine.
struct ReplicaInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a group: a key per member (DIR/rI/identity.key, 0600) and DIR/roster.json with free loopback ports."
    )

    @Option(help: "Number of members (n = 3f + 1 tolerates f faulty).")
    var members: Int = 4

    @Option(help: ArgumentHelp("Folder for the group.", valueName: "dir"))
    var dir: String

    @Option(help: "The chain this group agrees on (a label in logs).")
    var chain: String = "lmuc/demo"

    func validate() throws {
        guard (1...100).contains(members) else { throw ValidationError("--members must be 1...100") }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var roster = Roster(chain: chain, members: [])
        for index in 0..<members {
            let folder = "\(dir)/r\(index)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let (key, _) = try KeyFile.loadOrCreate(at: "\(folder)/identity.key")
            roster.members.append(Roster.Member(publicKey: key.publicKey.hex, consensus: try Self.freeEndpoint(),
                                                requests: try Self.freeEndpoint()))
        }
        try roster.save("\(dir)/roster.json")
        print("replica init: \(members) members (f = \((members - 1) / 3)) in \(dir)/roster.json")
        for (index, member) in roster.members.enumerated() {
            print("  r\(index)  \(member.publicKey.prefix(8))  consensus \(member.consensus)  requests \(member.requests)")
        }
    }

    /// A loopback port that is free right now (bound and released; a later bind may race, rarely).
    static func freeEndpoint() throws -> String {
        let probe = try Puller(bind: "tcp://127.0.0.1:*")
        defer { probe.close() }
        return probe.endpoint
    }
}

/// `strata replica run`: one member.
struct ReplicaRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run member --index of the group in --roster until SIGTERM.",
        discussion: """
            Keeps its write-ahead log and executed entries in DATA-DIR/consensus.sqlite and resumes from
            them after a restart (state transfer fetches what it missed from its peers).
            """
    )

    @Option(help: ArgumentHelp("The group's roster.json.", valueName: "file"))
    var roster: String

    @Option(help: "This member's index in the roster.")
    var index: Int

    @Option(help: ArgumentHelp("This member's folder (default: rINDEX beside the roster).", valueName: "dir"))
    var dataDir: String?

    @Option(help: "Milliseconds per core tick.")
    var tickMs: Int = 10

    @Option(help: "Ticks a request may wait before the primary is suspected (view change).")
    var requestTimeoutTicks: Int = 100

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard index >= 0 else { throw ValidationError("--index must be 0 or more") }
        guard (1...1_000).contains(tickMs) else { throw ValidationError("--tick-ms must be 1...1000") }
        guard (2...1_000_000).contains(requestTimeoutTicks) else { throw ValidationError("--request-timeout-ticks must be 2...1000000") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "strata.replica")
        let node: ConsensusNode
        let lock: DataDirLock
        do {
            let group = try Roster.load(roster)
            let folder = dataDir ?? "\(URL(fileURLWithPath: roster).deletingLastPathComponent().path)/r\(index)"
            lock = try DataDirLock(folder: folder)
            let key = try KeyFile.load(from: "\(folder)/identity.key")
            var settings = ConsensusNode.Settings()
            settings.tick = .milliseconds(tickMs)
            settings.requestTimeoutTicks = UInt64(requestTimeoutTicks)
            var nodeLogger = logger
            nodeLogger[metadataKey: "replica"] = "r\(index)"
            node = try ConsensusNode(roster: group, index: index, key: key, store: try NodeStore(path: "\(folder)/consensus.sqlite"),
                                     settings: settings, logger: nodeLogger)
        } catch {
            FileHandle.standardError.write(Data("strata replica run: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let group = ServiceGroup(services: [node], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        lock.release()
    }
}

/// `strata replica submit`: signed transaction batches to a running group.
struct ReplicaSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit batches of signed transactions to the group; print where each committed and who confirmed it."
    )

    @Option(help: ArgumentHelp("The group's roster.json.", valueName: "file"))
    var roster: String

    @Option(help: "How many batches, one after the other.")
    var batches: Int = 10

    @Option(help: "Transactions per batch.")
    var transactions: Int = 10

    @Option(help: "Seconds to wait for each batch to commit.")
    var timeout: Double = 15

    @Option(help: "Members that must confirm each commit (default f + 1, so at least one is correct).")
    var confirmations: Int?

    func validate() throws {
        guard (1...1_000_000).contains(batches) else { throw ValidationError("--batches must be 1...1000000") }
        guard (1...TransactionBatchLimits.maxTransactions).contains(transactions) else {
            throw ValidationError("--transactions must be 1...\(TransactionBatchLimits.maxTransactions)")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if let confirmations, confirmations < 1 { throw ValidationError("--confirmations must be at least 1") }
    }

    func run() async throws {
        let group = try Roster.load(roster)
        if let confirmations, confirmations > group.members.count {
            throw ValidationError("--confirmations \(confirmations) is more than the group's \(group.members.count) members")
        }
        let client = try ConsensusClient(roster: group, key: try SigningKey(), confirmations: confirmations)
        defer { client.close() }
        let author = try SigningKey()
        let nonce = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        var committed = 0
        for number in 0..<batches {
            let batch = ConsensusClient.batch(count: transactions, size: 64, nonce: nonce + UInt64(number), author: author)
            do {
                let commit = try await client.submit(batch.encoded(), timeout: .milliseconds(Int(timeout * 1000)))
                committed += 1
                print("batch \(number + 1): committed at sequence \(commit.sequence) (\(commit.members.sorted().map { "r\($0)" }.joined(separator: ", ")) confirmed after "
                      + "\(String(format: "%.1f", Double(commit.latency.components.attoseconds) / 1e15 + Double(commit.latency.components.seconds) * 1000)) ms)")
            } catch {
                FileHandle.standardError.write(Data("batch \(number + 1): \(error)\n".utf8))
            }
        }
        print("submit: committed \(committed) of \(batches)")
        if committed < batches { throw ExitCode(1) }
    }
}

/// `strata replica status`: one line per member.
struct ReplicaStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show each member's view, primary and executed sequence.")

    @Option(help: ArgumentHelp("The group's roster.json.", valueName: "file"))
    var roster: String

    func run() async throws {
        let client = try ConsensusClient(roster: try Roster.load(roster), key: try SigningKey())
        defer { client.close() }
        var down = 0
        for (index, status) in await client.statuses().enumerated() {
            if let status {
                print("r\(index)  view \(status.view)  primary r\(status.primary)  executed \(status.executed)"
                      + "\(status.changingView ? "  (changing view)" : "")  state \(status.stateDigest.prefix(12))  dropped \(status.dropped)")
            } else {
                down += 1
                print("r\(index)  DOWN")
            }
        }
        if down > 0 { throw ExitCode(1) }
    }
}

enum TransactionBatchLimits {
    static let maxTransactions = TransactionBatch.maxTransactions
}
