import Foundation
public import StrataConsensus
public import StrataCrypto
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

    /// Decodes a frame and checks its signature against the roster; nil for anything that is not a
    /// well-formed frame signed by the member it names.
    public static func open(frame: [UInt8], keys: [PublicKey]) -> SignedMessage? {
        guard frame.count > signatureBytes else { return nil }
        let signature = Array(frame[..<signatureBytes])
        let body = Array(frame[signatureBytes...])
        guard let message = try? BinaryCodec.decodeMessage(body) else { return nil }
        let index = message.sender.rawValue
        guard keys.indices.contains(index), keys[index].verify(signature: signature, message: body) else { return nil }
        return SignedMessage(message: message, signature: signature)
    }
}

/// Ed25519 over `ConsensusSigning.bytes` with the roster's key of the member the message names.
/// Frames are verified when they arrive (off the core's task) and remembered, so the core's check
/// of a received message is a lookup; signatures inside certificates are verified here in full.
public final class Ed25519Authenticator: MessageAuthenticator {
    public let keys: [PublicKey]
    private let verified = Mutex<(set: Set<Verified>, order: [Verified])>(([], []))
    private static let memory = 8_192

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
        let index = signed.message.sender.rawValue
        guard keys.indices.contains(index) else { return false }
        return keys[index].verify(signature: signed.signature, message: ConsensusSigning.bytes(signed.message))
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
