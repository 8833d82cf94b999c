import Foundation
public import StrataConsensus
public import StrataCrypto
public import StrataTransport
import Synchronization

/// The signed bytes of a consensus message and the frames that carry them (SPEC §20). The signed
/// bytes are the message's `BinaryCodec` form (one encoding per message, so certificates can be
/// re-checked). A frame is the 64-byte Ed25519 signature followed by exactly those bytes, so a
/// receiver verifies what it received without encoding anything again.
public enum ConsensusSigning {
    public static let signatureBytes = 64

    public static func bytes(_ message: ConsensusMessage) -> [UInt8] { BinaryCodec.encode(message) }

    /// Signs `message`: the signed message for the core and the frame for the peers.
    public static func sign(_ message: ConsensusMessage, with key: SigningKey) -> (signed: SignedMessage, frame: [UInt8]) {
        let body = bytes(message)
        let signature = key.sign(body)
        return (SignedMessage(message: message, signature: signature), signature + body)
    }

    /// Decodes a frame into its message and signature without checking the signature: the core
    /// checks it (through the authenticator) only once the message could change something, so a
    /// vote that arrives after its quorum costs no verification. Nil for a frame that is not
    /// exactly a signature and one message in the binary form.
    public static func decode(frame: [UInt8]) -> SignedMessage? {
        guard frame.count > signatureBytes, let message = try? BinaryCodec.decodeMessage(Array(frame[signatureBytes...])) else {
            return nil
        }
        return SignedMessage(message: message, signature: Array(frame[..<signatureBytes]))
    }
}

/// Ed25519 over `ConsensusSigning.bytes` with the roster's key of the member the message names.
/// Verified messages (received, checked aside, or signed by this member) are remembered, so a
/// second check of the same message is a lookup; signatures inside certificates are verified
/// here in full the first time.
public final class Ed25519Authenticator: MessageAuthenticator {
    public let keys: [PublicKey]
    private let verified = Mutex<(set: Set<Verified>, order: [Verified])>(([], []))
    private static let memory = 8_192
    /// Ed25519 checks made (a remembered message costs none), for the member's stop log.
    public let verifications = Counter()

    public init(roster: Roster) throws {
        keys = try roster.members.map { try PublicKey(hex: $0.publicKey) }
    }

    /// Records a message whose signature was checked on arrival (or that this member signed).
    public func remember(_ signed: SignedMessage) {
        verified.withLock { memo in
            guard memo.set.insert(Verified(signed)).inserted else { return }
            memo.order.append(Verified(signed))
            if memo.order.count > Self.memory { memo.set.remove(memo.order.removeFirst()) }
        }
    }

    public func isAuthentic(_ signed: SignedMessage) -> Bool {
        if verified.withLock({ $0.set.contains(Verified(signed)) }) { return true }
        #if STRATA_ABLATION
        if Ablation.skipsConsensusSignatures { return keys.indices.contains(signed.message.sender.rawValue) }
        #endif
        let index = signed.message.sender.rawValue
        guard keys.indices.contains(index) else { return false }
        verifications.increment()
        guard keys[index].verify(signature: signed.signature, message: ConsensusSigning.bytes(signed.message)) else { return false }
        remember(signed)
        return true
    }
}

/// A memo key for a verified message: hashed by its 64-byte signature alone (hashing a large
/// proposal's payload on every lookup cost more than the lookup saved) and equal only when the
/// message matches too, so a signature moved onto another message is never taken as verified.
private struct Verified: Hashable {
    let signed: SignedMessage

    init(_ signed: SignedMessage) { self.signed = signed }

    func hash(into hasher: inout Hasher) { signed.signature.withUnsafeBytes { hasher.combine(bytes: $0) } }

    static func == (lhs: Verified, rhs: Verified) -> Bool {
        lhs.signed.signature == rhs.signed.signature && lhs.signed.message == rhs.signed.message
    }
}
