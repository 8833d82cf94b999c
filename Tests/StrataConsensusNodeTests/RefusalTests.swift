import Foundation
import Logging
@testable import StrataConsensusNode
import StrataCrypto
import StrataProtocol
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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-refusal-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Four members, only r0 (the primary of view 0) runs: nothing can commit, proposals queue.
        let keys = try (0..<4).map { _ in try SigningKey() }
        let roster = Roster(chain: "test/refusal", members: keys.indices.map { index in
            Roster.Member(publicKey: keys[index].publicKey.hex, consensus: "ipc://\(folder)/r\(index)-consensus",
                          requests: "ipc://\(folder)/r\(index)-requests")
        })
        let node = try ConsensusNode(roster: roster, index: 0, key: keys[0], store: try NodeStore(path: "\(folder)/r0.sqlite"),
                                     logger: Logger(label: "refusal-test"))
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
