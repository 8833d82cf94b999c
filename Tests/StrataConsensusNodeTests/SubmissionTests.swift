import Foundation
import Logging
@testable import StrataConsensusNode
import StrataCrypto
import StrataProtocol
import StrataService
import StrataTransport
import Testing

/// Waiters of `consensus.submit`: each ends exactly once, with the commit, the core's refusal,
/// or the timeout — in whichever order they happen relative to the client starting to wait.
struct CommitWaitersTests {
    let a = ProposalDigest([1]), b = ProposalDigest([2])

    @Test("a commit or a refusal before the client waits is seen at once; one while it waits ends the wait")
    func orders() async {
        let waiters = CommitWaiters()
        let early = waiters.register(a)
        waiters.complete(a, sequence: 7)
        #expect(await waiters.wait(early, timeout: .seconds(5)) == .committed(sequence: 7))

        let refusedEarly = waiters.register(b)
        waiters.refuse(b, reason: "full")
        #expect(await waiters.wait(refusedEarly, timeout: .seconds(5)) == .refused("full"))

        let other = ProposalDigest([3])
        let late = waiters.register(other)
        let unrelated = waiters.register(ProposalDigest([4]))
        Task {
            try? await Task.sleep(for: .milliseconds(50))
            waiters.refuse(other, reason: "no")
        }
        #expect(await waiters.wait(late, timeout: .seconds(5)) == .refused("no"))
        #expect(await waiters.wait(unrelated, timeout: .milliseconds(50)) == .timedOut)
    }
}

/// A live member whose request queue is full answers a further submission at once, naming the
/// reason, instead of letting the client wait out its time.
@Suite(.timeLimit(.minutes(1)))
struct RefusalTests {
    @Test("the 65th pending proposal is refused at once with 'request queue is full'")
    func queueFull() async throws {
        // Four members, only r0 (the primary of view 0) runs: nothing can commit, proposals queue.
        let (folder, keys, roster) = try IPCGroup.make("refusal")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let node = try IPCGroup.member(0, of: roster, keys: keys, folder: folder)
        let running = Task { try await node.run() }
        defer { running.cancel() }

        let client = try Requester(connect: roster.members[0].requests, options: .bulk)
        defer { client.close() }
        let signer = EnvelopeSigner(key: try SigningKey())
        let author = try SigningKey()
        @Sendable func submit(_ number: UInt64) async throws -> Envelope {
            let payload = ConsensusClient.batch(count: 1, size: 64, nonce: number, author: author).encoded()
            let reply = try await client.request(timeout: .seconds(10), retries: 0) { _ in
                try signer.seal(ConsensusSubmit(payload: payload, waitMs: 4_000)).wire
            }
            guard case .success(let message) = InboundValidator(policy: InboundPolicy(maxBytes: 1 << 20)).accept(reply) else {
                throw ConsensusNodeError("the reply does not validate")
            }
            return message.envelope
        }
        // The member is up once it answers a status request.
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await client.request(timeout: .milliseconds(200), retries: 0) { _ in try signer.seal(ConsensusStatus()).wire }) != nil
        }
        #expect(up)
        // 64 proposals fill the queue (they wait, unanswered for now).
        let queued = Task { try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 1...64 { group.addTask { _ = try await submit(UInt64(number)) } }
            try await group.waitForAll()
        } }
        try await Task.sleep(for: .milliseconds(500))
        let start = ContinuousClock.now
        let refused = try await submit(65)
        let elapsed = start.duration(to: .now)
        #expect(refused.type == "error")
        let body = CanonicalJSON.encode(refused.body)
        #expect(String(decoding: body, as: UTF8.self).contains("request queue is full"), "\(String(decoding: body, as: UTF8.self))")
        #expect(elapsed < .seconds(2), "answered at once, not after wait_ms (took \(elapsed))")
        queued.cancel()
    }
}

/// The client counts a commit only when `confirmations` members each confirmed it at the same
/// sequence in a reply signed with that member's roster key: one lying member is not enough.
@Suite(.timeLimit(.minutes(1)))
struct ConfirmationTests {
    /// A roster of four whose r0 is a fake that claims every proposal committed at sequence 99,
    /// signing with `fakeKey`; the other members are not running.
    static func withLyingPrimary(fakeKey: (([SigningKey]) throws -> SigningKey),
                                 _ body: (Roster) async throws -> Void) async throws {
        let (folder, keys, roster) = try IPCGroup.make("confirm")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let handlers = RequestHandlers()
            .serving(ConsensusSubmit.self) { request, _ in
                let bytes = try request.bytes()
                return ConsensusSubmitOK(digest: SHA256.hash(bytes).hex, committed: true, sequence: 99)
            }
            .serving(ConsensusStatus.self) { _, _ in
                ConsensusStatusOK(replica: 0, members: 4, view: 0, primary: 0, executed: 0, changingView: false, stateDigest: "")
            }
        let fake = try RequestEndpoint(bind: roster.members[0].requests, signer: EnvelopeSigner(key: try fakeKey(keys)),
                                       handlers: handlers, policy: InboundPolicy(maxBytes: 4 << 20), options: .bulk)
        defer { fake.close() }
        try await body(roster)
    }

    static func payload() throws -> [UInt8] {
        ConsensusClient.batch(count: 1, size: 64, nonce: 1, author: try SigningKey()).encoded()
    }

    @Test("f + 1 confirmations (the default): a lying member alone does not make a commit")
    func liarAloneIsNotEnough() async throws {
        try await Self.withLyingPrimary(fakeKey: { $0[0] }) { roster in
            let client = try ConsensusClient(roster: roster, key: try SigningKey(), primaryPatience: .milliseconds(300))
            defer { client.close() }
            #expect(client.confirmations == 2)
            await #expect(throws: ConsensusNodeError.self) { _ = try await client.submit(try Self.payload(), timeout: .seconds(1)) }
        }
    }

    @Test("one confirmation trusts the member's own key, and only that key")
    func oneConfirmation() async throws {
        try await Self.withLyingPrimary(fakeKey: { $0[0] }) { roster in
            let client = try ConsensusClient(roster: roster, key: try SigningKey(), confirmations: 1)
            defer { client.close() }
            let commit = try await client.submit(try Self.payload(), timeout: .seconds(2))
            #expect(commit.sequence == 99 && commit.members == [0])
        }
        // The same answer signed by a key that is not r0's is not a confirmation.
        try await Self.withLyingPrimary(fakeKey: { _ in try SigningKey() }) { roster in
            let client = try ConsensusClient(roster: roster, key: try SigningKey(), primaryPatience: .milliseconds(300), confirmations: 1)
            defer { client.close() }
            await #expect(throws: ConsensusNodeError.self) { _ = try await client.submit(try Self.payload(), timeout: .seconds(1)) }
        }
    }
}

/// Four live members in this process: a batch large enough to be checked on the pool before the
/// core sees it commits like a small one, in order, at every member.
@Suite(.timeLimit(.minutes(1)))
struct CheckAsideTests {
    @Test("a 19 KB batch is checked aside by the backups and commits at sequence 1, a small one at 2, everywhere")
    func largeBatchCommits() async throws {
        let (folder, keys, roster) = try IPCGroup.make("aside")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nodes = try keys.indices.map { try IPCGroup.member($0, of: roster, keys: keys, folder: folder) }
        let running = nodes.map { node in Task { try await node.run() } }
        defer { for task in running { task.cancel() } }
        let client = try ConsensusClient(roster: roster, key: try SigningKey())
        defer { client.close() }
        var up = false
        for _ in 0..<100 where !up {
            up = await client.statuses(timeout: .milliseconds(200)).allSatisfy { $0 != nil }
        }
        #expect(up)
        let author = try SigningKey()
        let large = ConsensusClient.batch(count: 120, size: 64, nonce: 1, author: author).encoded()
        #expect(large.count > 4_096 * 4)
        let first = try await client.submit(large, timeout: .seconds(10))
        let second = try await client.submit(ConsensusClient.batch(count: 1, size: 64, nonce: 2, author: author).encoded(), timeout: .seconds(10))
        #expect((first.sequence, second.sequence) == (1, 2))
        // Every backup took the large pre-prepare through the pool; the primary proposed it itself.
        #expect(nodes.dropFirst().allSatisfy { $0.checkedAside.value >= 1 }, "\(nodes.map(\.checkedAside.value))")
        #expect(nodes[0].checkedAside.value == 0)
        var executed: [Int64] = []
        for _ in 0..<100 {
            executed = nodes.map(\.status.executed)
            if executed.allSatisfy({ $0 >= 2 }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(executed.allSatisfy { $0 >= 2 }, "executed per member: \(executed)")
        #expect(Set(nodes.map(\.status.stateDigest)).count == 1)
    }
}

/// A roster of four fresh keys whose endpoints are `ipc://` sockets in a new temporary folder.
enum IPCGroup {
    static func make(_ name: String) throws -> (folder: String, keys: [SigningKey], roster: Roster) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("strata-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let keys = try (0..<4).map { _ in try SigningKey() }
        let roster = Roster(chain: "test/\(name)", members: keys.indices.map { index in
            Roster.Member(publicKey: keys[index].publicKey.hex, consensus: "ipc://\(folder)/r\(index)-consensus",
                          requests: "ipc://\(folder)/r\(index)-requests")
        })
        return (folder, keys, roster)
    }

    /// Member `index` of `roster`, its SQLite file in `folder` (run it with `run()`).
    static func member(_ index: Int, of roster: Roster, keys: [SigningKey], folder: String) throws -> ConsensusNode {
        try ConsensusNode(roster: roster, index: index, key: keys[index], store: try NodeStore(path: "\(folder)/r\(index).sqlite"),
                          logger: Logger(label: "\(roster.chain)-r\(index)"))
    }
}
