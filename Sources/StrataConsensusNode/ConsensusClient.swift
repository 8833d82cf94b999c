import Foundation
public import StrataCrypto
public import StrataProtocol
import StrataTransport

/// A client of a consensus group: submits proposals to every member (PBFT clients multicast, so
/// a new primary knows the request after a view change) and reports the first commit an answer
/// confirms; asks members for their status.
public final class ConsensusClient: Sendable {
    public let roster: Roster
    private let signer: EnvelopeSigner
    private let requesters: [Requester]

    public init(roster: Roster, key: SigningKey) throws {
        self.roster = roster
        signer = EnvelopeSigner(key: key)
        requesters = try roster.members.map { try Requester(connect: $0.requests, options: .bulk) }
    }

    public func close() { for requester in requesters { requester.close() } }

    public struct Commit: Sendable {
        public let sequence: UInt64
        public let latency: Duration
        public let member: Int
    }

    /// Submits `payload` to every member, each asked to answer once committed; returns the first
    /// committed answer, or throws when no member confirmed within `timeout`.
    public func submit(_ payload: [UInt8], timeout: Duration = .seconds(10)) async throws -> Commit {
        let start = ContinuousClock.now
        let waitMs = Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return try await withThrowingTaskGroup(of: Commit?.self) { group in
            for (member, requester) in requesters.enumerated() {
                group.addTask { [signer] in
                    guard let reply = try? await requester.request(timeout: timeout + .seconds(1), retries: 0, makePayload: { _ in
                        try signer.seal(ConsensusSubmit(payload: payload, waitMs: waitMs)).wire
                    }), case .success(let message) = InboundValidator(policy: InboundPolicy(maxBytes: 1 << 20)).accept(reply),
                          let ok = try? message.body(as: ConsensusSubmitOK.self), ok.committed else { return nil }
                    return Commit(sequence: UInt64(ok.sequence), latency: start.duration(to: .now), member: member)
                }
            }
            for try await result in group {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            throw ConsensusNodeError("no member confirmed the proposal within \(timeout)")
        }
    }

    /// Each member's status, or nil for a member that did not answer.
    public func statuses(timeout: Duration = .seconds(1)) async -> [ConsensusStatusOK?] {
        await withTaskGroup(of: (Int, ConsensusStatusOK?).self) { group in
            for (member, requester) in requesters.enumerated() {
                group.addTask { [signer] in
                    guard let reply = try? await requester.request(timeout: timeout, retries: 0, makePayload: { _ in
                        try signer.seal(ConsensusStatus()).wire
                    }), case .success(let message) = InboundValidator().accept(reply) else { return (member, nil) }
                    return (member, try? message.body(as: ConsensusStatusOK.self))
                }
            }
            var out = [ConsensusStatusOK?](repeating: nil, count: requesters.count)
            for await (member, status) in group { out[member] = status }
            return out
        }
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
