import Foundation
public import StrataConsensus
public import StrataCrypto
import Synchronization

/// The signed bytes of a consensus message and the frames that carry them (SPEC §20). The signed
/// bytes are the message's JSON with sorted keys (bytes as hex/base64 text, so it is its RFC 8785
/// form). A frame is the 64-byte Ed25519 signature followed by exactly those bytes, so a receiver
/// verifies what it received without encoding anything again.
public enum ConsensusSigning {
    public static let signatureBytes = 64

    public static func bytes(_ message: ConsensusMessage) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field of a ConsensusMessage is a plain value; encoding cannot fail.
        return [UInt8]((try? encoder.encode(message)) ?? Data())
    }

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
        guard let message = try? JSONDecoder().decode(ConsensusMessage.self, from: Data(body)) else { return nil }
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
    private let verified = Mutex<(set: Set<SignedMessage>, order: [SignedMessage])>(([], []))
    private static let memory = 8_192

    public init(roster: Roster) throws {
        keys = try roster.members.map { try PublicKey(hex: $0.publicKey) }
    }

    /// Records a message whose signature was checked on arrival (or that this member signed).
    public func remember(_ signed: SignedMessage) {
        verified.withLock { memo in
            guard memo.set.insert(signed).inserted else { return }
            memo.order.append(signed)
            if memo.order.count > Self.memory { memo.set.remove(memo.order.removeFirst()) }
        }
    }

    public func isAuthentic(_ signed: SignedMessage) -> Bool {
        if verified.withLock({ $0.set.contains(signed) }) { return true }
        let index = signed.message.sender.rawValue
        guard keys.indices.contains(index) else { return false }
        return keys[index].verify(signature: signed.signature, message: ConsensusSigning.bytes(signed.message))
    }
}
