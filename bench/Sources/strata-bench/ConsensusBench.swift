import Foundation
import Histogram
import StrataConsensusNode
import StrataCrypto

/// Issue 6's benchmark: n = 4, 7, 10 real `strata replica run` processes on loopback. Commit latency
/// (p50/p99) of small batches submitted one at a time, and signed transactions per second of large
/// batches kept in flight, against the bound signature checking sets when every member verifies
/// every transaction: cores × Ed25519 verifies/s per core / n, measured in the same run.
enum ConsensusBench: BenchSuite {
    static let name = "consensus"
    static let summary = "live PBFT over ZeroMQ: commit latency and signed transactions/s vs the Ed25519 verify bound"

    static func run(quick: Bool) async throws -> BenchTable {
        let verifyRate = TransportBench.measureVerifyRate(key: try SigningKey(), iterations: quick ? 2_000 : 10_000)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // Enough batches in flight that the primary always has the next one queued when the log
        // window (L = 16) opens; fewer measure the client's round trip instead of the group.
        let inFlight = ProcessInfo.processInfo.environment["STRATA_BENCH_INFLIGHT"].flatMap(Int.init).map { min(max($0, 1), 64) } ?? 32
        var table = BenchTable(columns: ["n", "latency batches", "p50 ms", "p99 ms", "CPU ms/commit", "tx/batch", "batches", "tx/s",
                                         "bound tx/s", "vs bound", "replica CPU s", "verify share"])
        // STRATA_BENCH_MEMBERS=4 (or "4,7") measures only those group sizes.
        let sizes = ProcessInfo.processInfo.environment["STRATA_BENCH_MEMBERS"].map { $0.split(separator: ",").compactMap { Int($0) }.filter { $0 >= 4 } } ?? [4, 7, 10]
        var (viewNotes, roundTripNotes, confirmedNotes): ([String], [String], [String]) = ([], [], [])
        for members in sizes.isEmpty ? [4, 7, 10] : sizes {
            let group = try await LiveGroup.start(members: members)
            defer { group.stop() }
            let cpuBefore = group.cpuSeconds()
            // STRATA_BENCH_LATENCY sets the number of small batches (e.g. more for a profile).
            let latency = try await measureLatency(group, batches: latencyBatches(default: quick ? 30 : 300))
            let cpuPerCommit = (group.cpuSeconds() - cpuBefore) / Double(latency.count + 5)
            let transactionsPerBatch = quick ? 100 : (ProcessInfo.processInfo.environment["STRATA_BENCH_TX"].flatMap(Int.init).map { min(max($0, 1), 10_000) } ?? 400)
            let throughput = try await measureThroughput(group, batches: quick ? 10 : 100, transactions: transactionsPerBatch, inFlight: inFlight)
            // A view change during the run would mean a timer fired under load: say so beside the numbers.
            let views = await group.client.statuses().compactMap { $0?.view }
            viewNotes.append("n = \(members): final view \(views.max() ?? -1)")
            roundTripNotes.append("n = \(members): \(Format.millis(await measureRoundTrip(group, requests: quick ? 30 : 300))) ms")
            // What a client that waits for f + 1 matching confirmations (ConsensusClient's default) sees.
            let confirming = try ConsensusClient(roster: group.client.roster, key: try SigningKey())
            let confirmed = try await measureLatency(group, batches: quick ? 30 : 100, client: confirming)
            confirming.close()
            confirmedNotes.append("n = \(members): p50 \(Format.millis(confirmed.p50)) ms with \(confirming.confirmations)")
            let bound = Double(cores) * verifyRate / Double(members)
            // Where the time goes: the replicas' CPU time, and the share of it that verifying every
            // transaction once per member must take at the measured verify rate.
            let verifySeconds = Double(throughput.transactions * members) / verifyRate
            table.add(["\(members)", "\(latency.count)", Format.millis(latency.p50), Format.millis(latency.p99), Format.millis(cpuPerCommit),
                       "\(transactionsPerBatch)", "\(throughput.batches)", Format.rate(throughput.rate), Format.rate(bound),
                       Format.ratio(throughput.rate / bound), String(format: "%.2f", throughput.replicaCPU),
                       Format.ratio(verifySeconds / max(throughput.replicaCPU, 1e-9))])
        }
        table.notes = [
            "Ed25519 verify, one core: \(Format.rate(verifyRate))/s; bound = \(cores) cores x that / n (every member verifies every transaction once).",
            "Latency: one-transaction batches submitted one at a time to the primary; time until it confirms the commit.",
            "CPU ms/commit: user + system CPU of all members per small commit (sockets, coding, SQLite, Ed25519); on \(cores) cores it bounds latency from below at about CPU/\(cores).",
            "Throughput: batches kept \(inFlight) in flight (STRATA_BENCH_INFLIGHT; batch size STRATA_BENCH_TX). 'verify share' = CPU the transaction signatures must cost / the replicas' total CPU.",
            "Targets (issue 6): n = 4 p50 <= 2 ms for a small block; tx/s >= 0.80 of the bound.",
            "View after the run (0 = no view change): " + viewNotes.joined(separator: "; ") + ".",
            "The client's leg alone (signed consensus.status request and reply with the primary), p50: " + roundTripNotes.joined(separator: "; ") + ".",
            "Latency above trusts the primary's confirmation; a client waiting for f + 1 matching confirmations (the default): "
                + confirmedNotes.joined(separator: "; ") + ".",
        ]
        return table
    }

    static func latencyBatches(default count: Int) -> Int {
        ProcessInfo.processInfo.environment["STRATA_BENCH_LATENCY"].flatMap(Int.init).map { min(max($0, 10), 1_000_000) } ?? count
    }

    struct Latency {
        var count: Int
        var p50: Double
        var p99: Double
    }

    static func measureLatency(_ group: LiveGroup, batches: Int, client: ConsensusClient? = nil) async throws -> Latency {
        let client = client ?? group.client
        let author = try SigningKey()
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let nonce = UInt64(Date().timeIntervalSince1970 * 1e6)
        // Warm-up: connections, caches, the first SQLite pages.
        for number in 0..<5 {
            _ = try await client.submit(ConsensusClient.batch(count: 1, size: 64, nonce: nonce &+ UInt64(number), author: author).encoded())
        }
        for number in 0..<batches {
            let batch = ConsensusClient.batch(count: 1, size: 64, nonce: nonce &+ 1_000 &+ UInt64(number), author: author)
            let commit = try await client.submit(batch.encoded())
            let parts = commit.latency.components
            histogram.record(UInt64(parts.seconds) * 1_000_000 + UInt64(parts.attoseconds / 1_000_000_000_000))
        }
        return Latency(count: batches, p50: Double(histogram.valueAtPercentile(50)) / 1e6,
                       p99: Double(histogram.valueAtPercentile(99)) / 1e6)
    }

    /// p50 of a signed consensus.status request and reply with the primary: the client's leg of
    /// a commit without the consensus.
    static func measureRoundTrip(_ group: LiveGroup, requests: Int) async -> Double {
        var roundTrip = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let primary = await group.client.learnPrimary() ?? 0
        for _ in 0..<requests {
            let start = ContinuousClock.now
            guard await group.client.status(of: primary) != nil else { continue }
            let parts = start.duration(to: .now).components
            roundTrip.record(UInt64(parts.seconds) * 1_000_000 + UInt64(parts.attoseconds / 1_000_000_000_000))
        }
        return Double(roundTrip.valueAtPercentile(50)) / 1e6
    }

    struct Throughput {
        var batches: Int
        var transactions: Int
        var seconds: Double
        var replicaCPU: Double
        var rate: Double { Double(transactions) / seconds }
    }

    static func measureThroughput(_ group: LiveGroup, batches: Int, transactions: Int, inFlight: Int) async throws -> Throughput {
        let author = try SigningKey()
        let nonce = UInt64(Date().timeIntervalSince1970 * 1e6) &+ 7_000_000
        // Sign the batches before the clock starts: clients' signing is not the members' work.
        let payloads = (0..<batches).map { ConsensusClient.batch(count: transactions, size: 64, nonce: nonce &+ UInt64($0), author: author).encoded() }
        let cpuBefore = group.cpuSeconds()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            var next = 0
            for _ in 0..<min(inFlight, batches) {
                let payload = payloads[next]
                next += 1
                tasks.addTask { _ = try await group.client.submit(payload, timeout: .seconds(60)) }
            }
            while try await tasks.next() != nil {
                guard next < batches else { continue }
                let payload = payloads[next]
                next += 1
                tasks.addTask { _ = try await group.client.submit(payload, timeout: .seconds(60)) }
            }
        }
        let seconds = TransportBench.seconds(start.duration(to: .now))
        return Throughput(batches: batches, transactions: batches * transactions, seconds: seconds,
                          replicaCPU: group.cpuSeconds() - cpuBefore)
    }
}

/// n `strata replica run` processes (the release binary beside this one) on free loopback ports.
final class LiveGroup: @unchecked Sendable {
    let folder: String
    let processes: [Process]
    let client: ConsensusClient

    private init(folder: String, processes: [Process], client: ConsensusClient) {
        self.folder = folder
        self.processes = processes
        self.client = client
    }

    static var strataBinary: String {
        let here = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return here.deletingLastPathComponent().appendingPathComponent("strata").path
    }

    /// Starts `members` processes of `binary`, with `environment` added to this process's.
    static func start(members: Int, binary: String = strataBinary, environment: [String: String] = [:]) async throws -> LiveGroup {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-bench-pbft-\(members)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        let initialise = try launch(binary, ["replica", "init", "--members", "\(members)", "--dir", folder], quiet: true)
        initialise.waitUntilExit()
        guard initialise.terminationStatus == 0 else { throw ConsensusNodeError("strata replica init failed (is \(binary) built?)") }
        let processes = try (0..<members).map { index in
            try launch(binary, ["replica", "run", "--roster", "\(folder)/roster.json", "--index", "\(index)", "--log-level", ProcessInfo.processInfo.environment["STRATA_BENCH_LOG_LEVEL"] ?? "warning"]
                   + (ProcessInfo.processInfo.environment["STRATA_BENCH_TIMEOUT_TICKS"].map { ["--request-timeout-ticks", $0] } ?? []),
                   quiet: false, environment: environment)
        }
        // Commit latency is the time until the primary confirms: the benchmark trusts one member.
        let client = try ConsensusClient(roster: try Roster.load("\(folder)/roster.json"), key: try SigningKey(), confirmations: 1)
        let group = LiveGroup(folder: folder, processes: processes, client: client)
        for _ in 0..<200 {
            if await client.statuses().allSatisfy({ $0 != nil }) { return group }
            try await Task.sleep(for: .milliseconds(50))
        }
        group.stop()
        throw ConsensusNodeError("the \(members) members did not all answer consensus.status")
    }

    static func launch(_ binary: String, _ arguments: [String], quiet: Bool, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        if quiet { process.standardOutput = FileHandle.nullDevice }
        try process.run()
        return process
    }

    /// User + system CPU seconds of the member processes so far (from /proc).
    func cpuSeconds() -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return processes.reduce(0) { total, process in
            guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return total }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return total }
            return total + (user + system) / ticksPerSecond
        }
    }

    func stop() {
        client.close()
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
