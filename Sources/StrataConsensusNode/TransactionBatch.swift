import Foundation
public import StrataConsensus
public import StrataCrypto
import Synchronization
public import StrataTransport

/// A proposal of the live consensus groups: a batch of transactions, each signed by its author
/// (SPEC §20): `"STB1"`, a big-endian UInt32 count, then per transaction a UInt32 length, the
/// data, the author's 32-byte Ed25519 public key and the 64-byte signature over the data.
public struct TransactionBatch: Sendable, Hashable {
    public struct Transaction: Sendable, Hashable {
        public var data: [UInt8]
        public var author: [UInt8]
        public var signature: [UInt8]

        public init(data: [UInt8], signedBy key: SigningKey) {
            self.data = data
            author = key.publicKey.rawBytes
            signature = key.sign(data)
        }

        init(data: [UInt8], author: [UInt8], signature: [UInt8]) {
            self.data = data
            self.author = author
            self.signature = signature
        }
    }

    public static let magic = Array("STB1".utf8)
    public static let maxTransactions = 10_000
    public static let maxTransactionBytes = 64 * 1024

    public var transactions: [Transaction]

    public init(transactions: [Transaction]) { self.transactions = transactions }

    public func encoded() -> [UInt8] {
        var out = Self.magic
        Self.append(UInt32(transactions.count), to: &out)
        for transaction in transactions {
            Self.append(UInt32(transaction.data.count), to: &out)
            out += transaction.data + transaction.author + transaction.signature
        }
        return out
    }

    /// Parses a batch; nil for anything malformed or beyond the bounds.
    public static func decode(_ bytes: [UInt8]) -> TransactionBatch? {
        guard bytes.count >= 8, Array(bytes[0..<4]) == magic else { return nil }
        var offset = 4
        func readUInt32() -> Int? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        }
        guard let count = readUInt32(), count <= maxTransactions else { return nil }
        var transactions: [Transaction] = []
        transactions.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = readUInt32(), length <= maxTransactionBytes, offset + length + 96 <= bytes.count else { return nil }
            let data = Array(bytes[offset..<(offset + length)])
            let author = Array(bytes[(offset + length)..<(offset + length + 32)])
            let signature = Array(bytes[(offset + length + 32)..<(offset + length + 96)])
            offset += length + 96
            transactions.append(Transaction(data: data, author: author, signature: signature))
        }
        return offset == bytes.count ? TransactionBatch(transactions: transactions) : nil
    }

    /// A proposal carrying this batch, with its SHA-256 digest.
    public func proposal() -> Proposal {
        let bytes = encoded()
        return Proposal(payload: bytes, digest: ProposalDigest(SHA256.hash(bytes).bytes))
    }

    private static func append(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}

/// The validity predicate of the live groups: the digest is the payload's SHA-256, and the payload
/// is a well-formed batch whose every transaction signature verifies. Every member checks every
/// transaction once: accepted digests are remembered (a bounded memo; the answer for a digest never
/// changes, so the predicate stays deterministic).
public final class BatchValidator: ProposalValidator {
    private let accepted = Mutex<(set: Set<ProposalDigest>, order: [ProposalDigest])>(([], []))
    public let verifiedTransactions = Counter()
    private static let memory = 4_096

    /// Parsed author keys (building an OpenSSL key costs about as much as a verification), bounded.
    private let authors = Mutex<[[UInt8]: PublicKey]>([:])
    private static let authorMemory = 16_384

    public init() {}

    private func authorKey(_ raw: [UInt8]) -> PublicKey? {
        if let key = authors.withLock({ $0[raw] }) { return key }
        guard let key = try? PublicKey(rawBytes: raw) else { return nil }
        authors.withLock { table in
            if table.count >= Self.authorMemory { table.removeAll(keepingCapacity: true) }
            table[raw] = key
        }
        return key
    }

    public func digestMatches(_ proposal: Proposal) -> Bool {
        SHA256.hash(proposal.payload).bytes == proposal.digest.bytes
    }

    public func isAcceptable(_ proposal: Proposal, at sequence: UInt64) -> Bool {
        if accepted.withLock({ $0.set.contains(proposal.digest) }) { return true }
        guard let batch = TransactionBatch.decode(proposal.payload) else { return false }
        for transaction in batch.transactions {
            guard let key = authorKey(transaction.author),
                  key.verify(signature: transaction.signature, message: transaction.data) else { return false }
        }
        verifiedTransactions.increment(by: batch.transactions.count)
        accepted.withLock { memo in
            guard memo.set.insert(proposal.digest).inserted else { return }
            memo.order.append(proposal.digest)
            if memo.order.count > Self.memory { memo.set.remove(memo.order.removeFirst()) }
        }
        return true
    }
}

/// The consensus core's digest type (StrataCrypto has its own `Digest`).
public typealias ProposalDigest = StrataConsensus.Digest
