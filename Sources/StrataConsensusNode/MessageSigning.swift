import Foundation
public import StrataConsensus
public import StrataCrypto

/// The signed bytes of a consensus message: its JSON with sorted keys (Foundation's encoder, the
/// same on every member running this build), bytes as text (hex digests and signatures, base64
/// payloads). SPEC §20 pins the form.
public enum ConsensusSigning {
    public static func bytes(_ message: ConsensusMessage) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field of a ConsensusMessage is a plain value; encoding cannot fail.
        return [UInt8]((try? encoder.encode(message)) ?? Data())
    }

    public static func sign(_ message: ConsensusMessage, with key: SigningKey) -> SignedMessage {
        SignedMessage(message: message, signature: key.sign(bytes(message)))
    }

    /// The frame on a member link: the signed message as JSON.
    public static func frame(_ signed: SignedMessage) -> [UInt8] {
        [UInt8]((try? JSONEncoder().encode(signed)) ?? Data())
    }

    public static func decode(frame: [UInt8]) throws -> SignedMessage {
        try JSONDecoder().decode(SignedMessage.self, from: Data(frame))
    }
}

/// Ed25519 over `ConsensusSigning.bytes` with the roster's key of the member the message names.
public struct Ed25519Authenticator: MessageAuthenticator {
    private let keys: [PublicKey]

    public init(roster: Roster) throws {
        keys = try roster.members.map { try PublicKey(hex: $0.publicKey) }
    }

    public func isAuthentic(_ signed: SignedMessage) -> Bool {
        let index = signed.message.sender.rawValue
        guard keys.indices.contains(index) else { return false }
        return keys[index].verify(signature: signed.signature, message: ConsensusSigning.bytes(signed.message))
    }
}
