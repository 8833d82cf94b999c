public import StrataCrypto
import StrataProtocol

/// A commit certificate: signatures of member-set keys on the commit vote for one block (PBFT commit
/// phase, Castro & Liskov §4.2). Valid when the signers are distinct members in force at the block's
/// height, listed in ascending key order, each signature verifies, and they number at least the
/// quorum ⌊2n / 3⌋ + 1 (= 2f + 1 for n = 3f + 1).
public struct QuorumCertificate: Codable, Sendable, Hashable {
    /// The hash of the certified block header.
    public var block: Digest
    public var signatures: [CommitSignature]

    public init(block: Digest, signatures: [CommitSignature]) {
        self.block = block
        self.signatures = signatures.sorted { $0.member < $1.member }
    }

    /// Signs the commit vote for `header` with each key (used by tests, the simulator and the live driver).
    public static func sign(_ header: BlockHeader, with keys: [SigningKey]) throws(LedgerError) -> QuorumCertificate {
        let hash = try header.hash()
        let vote = CommitVote.bytes(chain: header.chain, height: header.height, block: hash)
        return QuorumCertificate(block: hash, signatures: keys.map { CommitSignature(member: $0.publicKey.hex, sig: Hex.encode($0.sign(vote))) })
    }

    public func canonicalBytes() throws(LedgerError) -> [UInt8] {
        CanonicalJSON.encode(try LedgerJSON.encode(self, what: "certificate"))
    }

    public static func decode(_ bytes: [UInt8]) throws(LedgerError) -> QuorumCertificate {
        guard bytes.count <= LedgerLimits.maxMembers * 256 + 256 else {
            throw LedgerError(.tooLarge, "a certificate of \(bytes.count) bytes is larger than \(LedgerLimits.maxMembers) signatures")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw LedgerError(.malformed, "certificate: \(error.message)") }
        return try LedgerJSON.decode(QuorumCertificate.self, from: value, what: "certificate")
    }

    /// Checks this certificate for `header` against `members`; `what` names it in errors.
    public func verify(header: BlockHeader, headerHash: Digest, members: MemberSet) throws(LedgerError) {
        guard block == headerHash else {
            throw LedgerError(.badQC, "the certificate is for block \(block.hex.prefix(16)), but the header hashes to \(headerHash.hex.prefix(16))")
        }
        guard signatures.count <= members.count else {
            throw LedgerError(.badQC, "the certificate has \(signatures.count) signatures for \(members.count) members")
        }
        let vote = CommitVote.bytes(chain: header.chain, height: header.height, block: headerHash)
        var previous: String?
        for signature in signatures {
            if let previous, !(previous < signature.member) {
                throw LedgerError(.badQC, "certificate signers are not distinct and in ascending key order at \(signature.member.prefix(8))")
            }
            previous = signature.member
            let key: PublicKey
            do { key = try LedgerKey.parse(signature.member, field: "certificate member") } catch { throw LedgerError(.badQC, error.message) }
            guard members.contains(key) else {
                throw LedgerError(.unknownMember, "certificate signer \(key.shortID) is not in the member set of height \(header.height)")
            }
            guard Hex.isLowercase(signature.sig, byteCount: 64), let bytes = try? Hex.decode(signature.sig),
                  key.verify(signature: bytes, message: vote) else {
                throw LedgerError(.badQC, "the commit signature of member \(key.shortID) does not verify")
            }
        }
        guard signatures.count >= members.quorum else {
            throw LedgerError(.badQC, "the certificate has \(signatures.count) signatures, a quorum of \(members.count) members is \(members.quorum)")
        }
    }
}

/// One member's Ed25519 signature on a commit vote, both as lowercase hex.
public struct CommitSignature: Codable, Sendable, Hashable {
    public var member: String
    public var sig: String
    public init(member: String, sig: String) {
        self.member = member
        self.sig = sig
    }
}

/// The bytes a member signs to commit a block: canonical JSON
/// `{"block":"<64 hex header hash>","chain":"<chain id>","height":<h>,"type":"strata.commit/1"}`.
/// The consensus view is deliberately absent: a block is committed whatever view committed it.
public enum CommitVote {
    public static let typeTag = "strata.commit/1"

    public static func bytes(chain: String, height: Int64, block: Digest) -> [UInt8] {
        CanonicalJSON.encode(.object([
            "type": .string(typeTag), "chain": .string(chain), "height": .integer(height), "block": .string(block.hex),
        ]))
    }

    /// One member's commit vote for the block with `header` (hash `block`): what the live consensus
    /// driver sends when the PBFT core says commit. Collect 2f + 1 of them into `QuorumCertificate(block:signatures:)`.
    public static func sign(_ header: BlockHeader, block: Digest, with key: SigningKey) -> CommitSignature {
        CommitSignature(member: key.publicKey.hex, sig: Hex.encode(key.sign(bytes(chain: header.chain, height: header.height, block: block))))
    }

    /// Whether `vote` is a valid signature by its member on the commit vote for `header` (hash `block`):
    /// the check a driver makes on each vote it receives before counting it.
    public static func isValid(_ vote: CommitSignature, header: BlockHeader, block: Digest) -> Bool {
        guard let key = try? LedgerKey.parse(vote.member, field: "member"), Hex.isLowercase(vote.sig, byteCount: 64),
              let signature = try? Hex.decode(vote.sig) else { return false }
        return key.verify(signature: signature, message: bytes(chain: header.chain, height: header.height, block: block))
    }
}
