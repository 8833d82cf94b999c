import StrataConsensus

/// The simulator's stand-in for Ed25519: a signing oracle. A member's "signature" is valid exactly
/// when that member's own key signed that exact message, which is what a real signature scheme
/// guarantees and what lets the simulator model forgery without real crypto (the core is pure and
/// never sees keys either way). Deterministic: no hashing seeds, no bytes that vary per process.
///
/// Confined to one simulation run on one thread; `@unchecked Sendable` only because the core's
/// `MessageAuthenticator` must be `Sendable`.
final class SigningOracle: @unchecked Sendable {
    private var signedBy: [Set<ConsensusMessage>]

    init(members: Int) { signedBy = Array(repeating: [], count: members) }

    /// Signs `message` with member `signer`'s key (the message may name another sender: a forgery).
    func sign(_ message: ConsensusMessage, by signer: Int) -> SignedMessage {
        signedBy[signer].insert(message)
        return SignedMessage(message: message, signature: [UInt8(truncatingIfNeeded: signer), 0x5A])
    }

    func verify(_ signed: SignedMessage) -> Bool {
        let sender = signed.message.sender.rawValue
        guard sender >= 0, sender < signedBy.count,
              signed.signature == [UInt8(truncatingIfNeeded: sender), 0x5A] else { return false }
        return signedBy[sender].contains(signed.message)
    }
}

struct OracleAuthenticator: MessageAuthenticator {
    let oracle: SigningOracle
    func isAuthentic(_ signed: SignedMessage) -> Bool { oracle.verify(signed) }
}

/// Simulated requests: 8 bytes of request id, then a validity marker byte. The digest is FNV-1a 64
/// of the payload; the application accepts a payload whose marker is `validMarker`.
enum SimulatedRequests {
    static let validMarker: UInt8 = 0xA5
    static let invalidMarker: UInt8 = 0x00

    static func digest(of payload: [UInt8]) -> Digest {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in payload {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Digest((0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) })
    }

    static func proposal(id: UInt64, valid: Bool = true) -> Proposal {
        var payload = (0..<8).map { UInt8(truncatingIfNeeded: id >> (8 * $0)) }
        payload.append(valid ? validMarker : invalidMarker)
        return Proposal(payload: payload, digest: digest(of: payload))
    }

    static func requestID(of proposal: Proposal) -> UInt64? {
        guard proposal.payload.count == 9 else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(proposal.payload[$1]) << (8 * UInt64($1)) }
    }

    static func isValid(_ proposal: Proposal) -> Bool {
        proposal.payload.count == 9 && proposal.payload[8] == validMarker
    }
}

struct SimulatedValidator: ProposalValidator {
    func digestMatches(_ proposal: Proposal) -> Bool { SimulatedRequests.digest(of: proposal.payload) == proposal.digest }
    func isAcceptable(_ proposal: Proposal, at sequence: UInt64) -> Bool { SimulatedRequests.isValid(proposal) }
}
