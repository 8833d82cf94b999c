import Foundation
import StrataConsensus
import StrataCrypto
import StrataProtocol
import StrataTransport
import Testing

/// PBFT over real ZeroMQ sockets with four real `strata replica run` processes: blocks commit; the
/// primary is SIGKILLed mid-stream and commits continue after a view change, with nothing committed
/// lost or changed; restarted, it catches up by state transfer and takes part again; forged and
/// garbage frames on a member link are dropped and counted.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ConsensusLiveTests {
    /// sequence -> digest of a member's executed entries, read from its SQLite file.
    func ledger(_ dir: String, _ member: Int) throws -> [Int: String] {
        let text = try StrataBinary.python(["-c", """
            import sqlite3, sys
            rows = sqlite3.connect(sys.argv[1]).execute("SELECT sequence, digest FROM entry ORDER BY sequence").fetchall()
            print("\\n".join(f"{s} {d}" for s, d in rows))
            """, "\(dir)/r\(member)/consensus.sqlite"]).stdout
        var out: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let sequence = Int(parts[0]) { out[sequence] = String(parts[1]) }
        }
        return out
    }

    func status(_ roster: String) throws -> [String] {
        try StrataBinary.run(["replica", "status", "--roster", roster], timeout: 20).stdout.split(separator: "\n").map(String.init)
    }

    func executed(_ line: String) -> Int? {
        guard let range = line.range(of: "executed ") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("4 processes: commits, leader SIGKILLed -> view change, restart -> state transfer, bad frames dropped")
    func killTheLeader() async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let roster = "\(dir)/roster.json"
        #expect(try StrataBinary.run(["replica", "init", "--members", "4", "--dir", dir]).status == 0)
        func start(_ member: Int) throws -> StrataBinary.Running {
            try StrataBinary.Running(["replica", "run", "--roster", roster, "--index", "\(member)", "--request-timeout-ticks", "100"])
        }
        var members = try (0..<4).map(start)
        defer { for member in members { _ = member.finish() } }

        // Given a running group, when batches are submitted, then every one commits in order.
        let first = try StrataBinary.run(["replica", "submit", "--roster", roster, "--batches", "6", "--transactions", "8"], timeout: 60)
        #expect(first.status == 0 && first.stdout.contains("committed 6 of 6"), "\(first.stdout)\n\(first.stderr)")
        // The client returns at the first confirmation; give every member a moment to execute.
        var before = try ledger(dir, 1)
        for _ in 0..<100 where before.count < 6 {
            try await Task.sleep(for: .milliseconds(50))
            before = try ledger(dir, 1)
        }
        #expect(before.count == 6 && Set(before.keys) == Set(1...6))

        // When the primary of view 0 (r0) is killed mid-stream, the others change view and go on.
        kill(members[0].process.processIdentifier, SIGKILL)
        let second = try StrataBinary.run(["replica", "submit", "--roster", roster, "--batches", "6", "--transactions", "8"], timeout: 90)
        #expect(second.status == 0 && second.stdout.contains("committed 6 of 6"), "\(second.stdout)\n\(second.stderr)")
        let lines = try status(roster)
        #expect(lines.first?.contains("DOWN") == true)
        for line in lines.dropFirst() { #expect(line.contains("view 1") || line.contains("view 2"), "a view change happened: \(line)") }
        var survivors = try (1...3).map { try ledger(dir, $0) }
        for _ in 0..<100 where Set(survivors.map(\.count)).count > 1 {
            try await Task.sleep(for: .milliseconds(50))
            survivors = try (1...3).map { try ledger(dir, $0) }
        }
        #expect(survivors[0] == survivors[1] && survivors[1] == survivors[2], "the survivors agree entry by entry")
        for (sequence, digest) in before { #expect(survivors[0][sequence] == digest, "committed entry \(sequence) neither lost nor changed") }
        let digests = survivors[0].values.filter { !$0.isEmpty }
        #expect(digests.count == 12 && Set(digests).count == 12,
                "all 12 batches are in the ledger exactly once (null entries aside): \(survivors[0].sorted { $0.key < $1.key })")

        // When r0 restarts, it catches up by state transfer and takes part again.
        _ = members[0].finish()
        members[0] = try start(0)
        let third = try StrataBinary.run(["replica", "submit", "--roster", roster, "--batches", "3", "--transactions", "8"], timeout: 60)
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        var caughtUp = false
        for _ in 0..<100 where !caughtUp {
            let now = try status(roster)
            let values = now.compactMap(executed)
            caughtUp = values.count == 4 && Set(values).count == 1
            if !caughtUp { try await Task.sleep(for: .milliseconds(100)) }
        }
        let finalStatus = try status(roster)
        #expect(caughtUp, "all four members executed the same prefix: \(finalStatus)")
        let (restartedLedger, otherLedger) = (try ledger(dir, 0), try ledger(dir, 1))
        #expect(restartedLedger == otherLedger, "the restarted member's ledger equals the others'")
        // The write-ahead log is pruned at each stable checkpoint (K = 8): after 15 commits it holds
        // about one window of records, not every message ever sent.
        for member in 0..<4 {
            let count = try StrataBinary.python(["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM wal').fetchone()[0])",
                                                 "\(dir)/r\(member)/consensus.sqlite"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect((Int(count) ?? 1_000) < 35, "r\(member) keeps \(count) WAL records")
        }

        // Forged and garbage frames on a member link are dropped and counted; state is unchanged.
        let rosterJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: roster))) as? [String: Any]
        let target = try #require((rosterJSON?["members"] as? [[String: String]])?[2]["consensus"])
        let droppedBefore = try droppedCount(roster, member: 2)
        let link = try Pusher(connect: target)
        let stranger = try SigningKey()
        // Frames are signature + signed bytes (SPEC §20): a vote "from member 1" signed by a stranger,
        // a vote from a non-member, a too-short frame and bytes that are not a message (JSON).
        let forgedVote = BinaryCodec.encode(.commit(Vote(view: 1, sequence: 99, digest: Digest([0]), replica: ReplicaID(1))))
        let nonMember = BinaryCodec.encode(.commit(Vote(view: 1, sequence: 1, digest: Digest([0]), replica: ReplicaID(77))))
        let notBinary = Array(#"{"commit":{"_0":{"digest":"00","replica":1,"sequence":99,"view":1}}}"#.utf8)
        for _ in 0..<5 {
            link.send(stranger.sign(forgedVote) + forgedVote)
            link.send(stranger.sign(nonMember) + nonMember)
            link.send(Array("short".utf8))
            link.send(stranger.sign(notBinary) + notBinary)
        }
        try await Task.sleep(for: .milliseconds(500))
        link.close()
        let droppedAfter = try droppedCount(roster, member: 2)
        #expect(droppedAfter - droppedBefore >= 20, "every bad frame is counted (\(droppedBefore) -> \(droppedAfter))")
        let (attacked, reference) = (try ledger(dir, 2), try ledger(dir, 1))
        #expect(attacked == reference, "nothing bad reached the ledger")
        let last = try StrataBinary.run(["replica", "submit", "--roster", roster, "--batches", "1"], timeout: 30)
        #expect(last.status == 0, "the group still commits")

        for member in members { #expect(member.signal(SIGTERM, within: 5) != nil) }
        for member in members { #expect(member.finish().status == 0) }
    }

    func droppedCount(_ roster: String, member: Int) throws -> Int {
        let line = try status(roster)[member]
        guard let range = line.range(of: "dropped ") else { throw CLIError("no dropped count in \(line)") }
        return Int(line[range.upperBound...].prefix { $0.isNumber }) ?? -1
    }
}
