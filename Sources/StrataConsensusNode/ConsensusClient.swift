import Foundation
public import StrataCrypto
public import StrataProtocol
import StrataTransport
import Synchronization

/// A client of a consensus group. As in PBFT (Castro & Liskov §4.1) it sends a proposal to the
/// member it believes is the primary (and, to hear enough confirmations, to the members after it)
/// and multicasts it to every member only when they do not confirm in time (so a new primary
/// knows the request after a view change). A commit counts once `confirmations` members — f + 1
/// by default, so at least one is correct — each confirmed it at the same sequence number in a
/// reply signed with that member's roster key. It learns the primary from status answers.
public final class ConsensusClient: Sendable {
    public let roster: Roster
    private let signer: EnvelopeSigner
    private let requesters: [Requester]
    /// How long the first members have to confirm before the proposal goes to every member;
    /// nil: half of each submission's timeout. (Too short a patience under load multicasts
    /// requests that were only queued, and the backups' progress timers then replace a primary
    /// that was merely busy.)
    private let primaryPatience: Duration?
    /// Matching confirmations a commit needs (1 ... n).
    public let confirmations: Int
    /// The member believed to be primary; nil until learned (or after it failed to answer).
    private let believedPrimary = Mutex<Int?>(nil)

    /// `confirmations` nil: f + 1, where n = 3f + 1 or more. 1 trusts the first member that answers
    /// (what the benchmark's commit latency measures).
    public init(roster: Roster, key: SigningKey, primaryPatience: Duration? = nil, confirmations: Int? = nil) throws {
        self.roster = roster
        self.primaryPatience = primaryPatience
        let faults = (roster.members.count - 1) / 3
        self.confirmations = min(max(confirmations ?? faults + 1, 1), roster.members.count)
        signer = EnvelopeSigner(key: key)
        requesters = try roster.members.map { try Requester(connect: $0.requests, options: .bulk) }
    }

    public func close() { for requester in requesters { requester.close() } }

    public struct Commit: Sendable {
        public let sequence: UInt64
        /// Until the last confirmation that was needed arrived.
        public let latency: Duration
        /// The members whose confirmations made the commit count.
        public let members: [Int]
        public var member: Int { members.first ?? -1 }
    }

    /// Submits `payload` to the primary and the members after it, then (if they do not confirm
    /// within the patience) to every member, each asked to answer once committed; returns once
    /// `confirmations` members confirmed the same sequence, or throws after `timeout`.
    public func submit(_ payload: [UInt8], timeout: Duration = .seconds(10)) async throws -> Commit {
        let start = ContinuousClock.now
        let primary: Int?
        if let known = believedPrimary.withLock({ $0 }) { primary = known } else { primary = await learnPrimary() }
        if let primary {
            let patience = min(timeout, primaryPatience ?? timeout / 2)
            let first = (0..<confirmations).map { (primary + $0) % requesters.count }
            if let commit = await ask(members: first, payload, wait: patience, start: start) { return commit }
            believedPrimary.withLock { $0 = nil }
        }
        let remaining = timeout - start.duration(to: .now)
        guard remaining > .zero, let commit = await ask(members: Array(requesters.indices), payload, wait: remaining, start: start) else {
            throw ConsensusNodeError("fewer than \(confirmations) member(s) confirmed the proposal within \(timeout)")
        }
        _ = await learnPrimary()
        return commit
    }

    /// Asks `members` to commit `payload` and answer within `wait`; the commit once
    /// `confirmations` of them confirmed the same sequence.
    private func ask(members: [Int], _ payload: [UInt8], wait: Duration, start: ContinuousClock.Instant) async -> Commit? {
        let waitMs = Int64(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)
        let keys = roster.members.map(\.publicKey)
        return await withTaskGroup(of: (member: Int, sequence: UInt64)?.self) { group in
            for member in members {
                let requester = requesters[member]
                group.addTask { [signer] in
                    guard let reply = try? await requester.request(timeout: wait + .seconds(1), retries: 0, makePayload: { _ in
                        try signer.seal(ConsensusSubmit(payload: payload, waitMs: waitMs)).wire
                    }), case .success(let message) = InboundValidator(policy: InboundPolicy(maxBytes: 1 << 20)).accept(reply),
                          message.sender.hex == keys[member],
                          let ok = try? message.body(as: ConsensusSubmitOK.self), ok.committed else { return nil }
                    return (member, UInt64(ok.sequence))
                }
            }
            var confirmed: [UInt64: [Int]] = [:]
            for await result in group {
                guard let (member, sequence) = result else { continue }
                confirmed[sequence, default: []].append(member)
                if let agreeing = confirmed[sequence], agreeing.count >= confirmations {
                    group.cancelAll()
                    return Commit(sequence: sequence, latency: start.duration(to: .now), members: agreeing)
                }
            }
            return nil
        }
    }

    /// Asks every member for its status and believes the primary that most answers name (nil
    /// when no member answers).
    @discardableResult
    public func learnPrimary() async -> Int? {
        var votes: [Int64: Int] = [:]
        for status in await statuses() {
            if let status, !status.changingView { votes[status.primary, default: 0] += 1 }
        }
        guard let (primary, _) = votes.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
              requesters.indices.contains(Int(primary)) else { return nil }
        believedPrimary.withLock { $0 = Int(primary) }
        return Int(primary)
    }

    /// Each member's status, or nil for a member that did not answer.
    public func statuses(timeout: Duration = .seconds(1)) async -> [ConsensusStatusOK?] {
        await withTaskGroup(of: (Int, ConsensusStatusOK?).self) { group in
            for member in requesters.indices {
                group.addTask { (member, await self.status(of: member, timeout: timeout)) }
            }
            var out = [ConsensusStatusOK?](repeating: nil, count: requesters.count)
            for await (member, status) in group { out[member] = status }
            return out
        }
    }

    /// One member's status, or nil when it did not answer in time.
    public func status(of member: Int, timeout: Duration = .seconds(1)) async -> ConsensusStatusOK? {
        guard requesters.indices.contains(member),
              let reply = try? await requesters[member].request(timeout: timeout, retries: 0, makePayload: { _ in
                  try signer.seal(ConsensusStatus()).wire
              }), case .success(let message) = InboundValidator().accept(reply) else { return nil }
        return try? message.body(as: ConsensusStatusOK.self)
    }

    /// A batch of `count` transactions of `size` bytes each, signed by `author`, unique by `nonce`.
    public static func batch(count: Int, size: Int, nonce: UInt64, author: SigningKey) -> TransactionBatch {
        TransactionBatch(transactions: (0..<count).map { index in
            var data = [UInt8](repeating: 0, count: max(size, 16))
            withUnsafeBytes(of: nonce.bigEndian) { data.replaceSubrange(0..<8, with: $0) }
            withUnsafeBytes(of: UInt64(index).bigEndian) { data.replaceSubrange(8..<16, with: $0) }
            return TransactionBatch.Transaction(data: data, signedBy: author)
        })
    }
}
